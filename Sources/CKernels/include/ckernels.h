#ifndef DSC_CKERNELS_H
#define DSC_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Hamming distances from one code (`words` 64-bit words) to `rows` consecutive codes of
/// `database`, written to `out[0..<rows]`. Uses the CPU's popcnt instruction when it has one
/// (checked once at run time), portable bit counting otherwise.
void dsc_hamming_distances(const uint64_t *query, const uint64_t *database, size_t rows, size_t words,
                           int32_t *out);

#endif
