/* fuzz_fmt_apple.c — the apple attestation statement verifier (see fmt_body.h). */
#define FUZZ_FMT_FN fsim_fmt_apple
#include "fuzz/fmt_body.h"
