/* fuzz_fmt_fido_u2f.c — the fido_u2f attestation statement verifier (see fmt_body.h). */
#define FUZZ_FMT_FN fsim_fmt_fido_u2f
#include "fuzz/fmt_body.h"
