/* fuzz_fmt_android_key.c — the android_key attestation statement verifier (see fmt_body.h). */
#define FUZZ_FMT_FN fsim_fmt_android_key
#include "fuzz/fmt_body.h"
