/*
 * bench_case.h — `fidosim bench --case FILE`: fidosim's verifiers timed on
 * one recorded ceremony (a registration and an assertion, as
 * tests/differential/gen.sh writes them), beside OpenSSL's raw verify of
 * that assertion's own signature, so bench/peers.sh can time other RP
 * libraries on the very same bytes.
 */
#ifndef FSIM_BENCH_CASE_H
#define FSIM_BENCH_CASE_H

/* Print one JSON object; 0 on success, else an exit code (usage/I/O 2, failure 1). */
int fsim_bench_case(const char *path, double seconds);

#endif /* !FSIM_BENCH_CASE_H */
