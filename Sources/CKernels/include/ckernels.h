#ifndef DSC_CKERNELS_H
#define DSC_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Hamming distances from one code (`words` 64-bit words) to `rows` consecutive codes of
/// `database`, written to `out[0..<rows]`. Uses the CPU's popcnt instruction when it has one
/// (checked at run time), portable bit counting otherwise.
void dsc_hamming_distances(const uint64_t *query, const uint64_t *database, size_t rows, size_t words,
                           int32_t *out);

/// The codes among `rows` consecutive codes of `database` whose Hamming distance to `query` is
/// below `limit`: their positions (ascending, 0-based within the block) in `hits` and their
/// distances in `distances`, both of room for `rows`; returns how many. Uses AVX-512's vector
/// popcount (8 one-word codes at a time) or popcnt when the CPU has them (checked at run time).
size_t dsc_hamming_below(const uint64_t *query, const uint64_t *database, size_t rows, size_t words, int32_t limit,
                         uint32_t *hits, int32_t *distances);

// Codes packed `stride` bytes apart (1, 2, 4, or a multiple of 8 for 64-bit words).
void dsc_hamming_distances_packed(const uint8_t *query, const uint8_t *database, size_t rows, size_t stride,
                                  int32_t *out);

size_t dsc_hamming_below_packed(const uint8_t *query, const uint8_t *database, size_t rows, size_t stride,
                                int32_t limit, uint32_t *hits, int32_t *distances);

#endif
