/*
 * fuzz.h — the libFuzzer entry point every fuzz_<parser>.c defines. The same
 * file links either with -fsanitize=fuzzer (make fuzz) or with replay_main.c
 * (make test replays the seed corpus and every regression input).
 */
#ifndef FSIM_FUZZ_H
#define FSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* !FSIM_FUZZ_H */
