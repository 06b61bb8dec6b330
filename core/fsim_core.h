/*
 * fsim_core.h — the public header of core/: the data model the
 * authenticator, the platform and the relying party share.
 */
#ifndef FSIM_CORE_H
#define FSIM_CORE_H

#include "util.h"
#include "b64.h"
#include "cborx.h"
#include "cose.h"
#include "sig.h"
#include "authdata.h"
#include "attobj.h"
#include "clientdata.h"
#include "wajson.h"
#include "aaguid.h"
#include "kvfile.h"

#define FSIM_VERSION "0.1.0"

#endif /* !FSIM_CORE_H */
