/* fuzz_fmt_android_safetynet.c — the android_safetynet attestation statement verifier (see fmt_body.h). */
#define FUZZ_FMT_FN fsim_fmt_android_safetynet
#include "fuzz/fmt_body.h"
