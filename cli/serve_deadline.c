/*
 * serve_deadline.c — see serve_deadline.h. The connections are kept in a
 * list under a lock; the watcher shuts a late one down (shutdown(2): the
 * descriptor stays libmicrohttpd's, which then sees the connection end and
 * closes it). libmicrohttpd's CLOSED notification takes the connection off
 * the list under the same lock before the descriptor is closed, so the
 * watcher never touches a descriptor that was closed or reused.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "cli/serve_deadline.h"

struct tracked {
	int fd;
	bool body;                      /* the header is complete, the body is coming */
	bool served;                    /* a request was answered: keep-alive idling allowed */
	bool shut;
	struct timespec since;          /* start of the current phase */
	struct tracked *prev, *next;
};

struct fsim_deadline {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stop;
	unsigned header_s, body_s, idle_s;
	struct tracked *list;
	unsigned long closed;
};

static void
now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

static void *
watch(void *arg)
{
	fsim_deadline_t *d = arg;
	struct timespec t, until;
	struct tracked *c;
	time_t limit;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		now(&t);
		for (c = d->list; c != NULL; c = c->next) {
			limit = (time_t)(c->body ? d->body_s : c->served ? d->idle_s + d->header_s :
			    d->header_s);
			if (!c->shut && t.tv_sec - c->since.tv_sec > limit) {
				(void)shutdown(c->fd, SHUT_RDWR);
				c->shut = true;
				d->closed++;
			}
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		(void)pthread_cond_timedwait(&d->wake, &d->lock, &until);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int
fsim_deadline_start(unsigned header_s, unsigned body_s, unsigned idle_s, fsim_deadline_t **out)
{
	fsim_deadline_t *d;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, NULL);
	d->header_s = header_s;
	d->body_s = body_s;
	d->idle_s = idle_s;
	if (pthread_create(&d->thread, NULL, watch, d) != 0) {
		pthread_cond_destroy(&d->wake);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return -1;
	}
	*out = d;
	return 0;
}

void
fsim_deadline_stop(fsim_deadline_t **dp)
{
	fsim_deadline_t *d;
	struct tracked *c;

	if (dp == NULL || (d = *dp) == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	while ((c = d->list) != NULL) {
		d->list = c->next;
		free(c);
	}
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
	*dp = NULL;
}

void
fsim_deadline_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	fsim_deadline_t *d = cls;
	const union MHD_ConnectionInfo *ci;
	struct tracked *c = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL || (c = calloc(1, sizeof(*c))) == NULL)
			return;     /* not watched: libmicrohttpd's own timeout still applies */
		c->fd = ci->connect_fd;
		now(&c->since);
		pthread_mutex_lock(&d->lock);
		c->next = d->list;
		if (d->list != NULL)
			d->list->prev = c;
		d->list = c;
		pthread_mutex_unlock(&d->lock);
		*socket_context = c;
		return;
	}
	if (c == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		d->list = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&d->lock);
	free(c);
	*socket_context = NULL;
}

void
fsim_deadline_phase(fsim_deadline_t *d, struct MHD_Connection *mc, bool body)
{
	const union MHD_ConnectionInfo *ci;
	struct tracked *c;

	if (d == NULL || (ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT)) ==
	    NULL || (c = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	if (!body && c->body)
		c->served = true;
	c->body = body;
	now(&c->since);
	pthread_mutex_unlock(&d->lock);
}

unsigned long
fsim_deadline_closed(fsim_deadline_t *d)
{
	unsigned long n;

	pthread_mutex_lock(&d->lock);
	n = d->closed;
	pthread_mutex_unlock(&d->lock);
	return n;
}
