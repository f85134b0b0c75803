#include "ckernels.h"

#include <immintrin.h>

// Each loop exists in a portable copy and in copies compiled for popcnt or AVX-512; each call
// picks by what the CPU reports.

__attribute__((target("popcnt")))
static void distances_popcnt(const uint64_t *q, const uint64_t *db, size_t rows, size_t words, int32_t *out) {
    for (size_t j = 0; j < rows; j++) {
        int32_t d = 0;
        for (size_t w = 0; w < words; w++) d += __builtin_popcountll(db[j * words + w] ^ q[w]);
        out[j] = d;
    }
}

static void distances_portable(const uint64_t *q, const uint64_t *db, size_t rows, size_t words, int32_t *out) {
    for (size_t j = 0; j < rows; j++) {
        int32_t d = 0;
        for (size_t w = 0; w < words; w++) d += __builtin_popcountll(db[j * words + w] ^ q[w]);
        out[j] = d;
    }
}

void dsc_hamming_distances(const uint64_t *query, const uint64_t *database, size_t rows, size_t words,
                           int32_t *out) {
    if (__builtin_cpu_supports("popcnt")) distances_popcnt(query, database, rows, words, out);
    else distances_portable(query, database, rows, words, out);
}

#define BELOW_LOOP(POPCOUNT)                                                                  \
    size_t found = 0;                                                                         \
    for (size_t j = 0; j < rows; j++) {                                                       \
        int32_t d = 0;                                                                        \
        for (size_t w = 0; w < words; w++) d += POPCOUNT(db[j * words + w] ^ q[w]);           \
        if (d < limit) { hits[found] = (uint32_t)j; distances[found] = d; found++; }          \
    }                                                                                         \
    return found;

__attribute__((target("popcnt")))
static size_t below_popcnt(const uint64_t *q, const uint64_t *db, size_t rows, size_t words, int32_t limit,
                           uint32_t *hits, int32_t *distances) {
    BELOW_LOOP(__builtin_popcountll)
}

static size_t below_portable(const uint64_t *q, const uint64_t *db, size_t rows, size_t words, int32_t limit,
                             uint32_t *hits, int32_t *distances) {
    BELOW_LOOP(__builtin_popcountll)
}

// One-word codes, 8 at a time: XOR, vector popcount, compare with the limit; the rare hits are
// written in order from the comparison mask.
__attribute__((target("avx512f,avx512vpopcntdq,popcnt")))
static size_t below_avx512_one_word(const uint64_t *q, const uint64_t *db, size_t rows, int32_t limit,
                                    uint32_t *hits, int32_t *distances) {
    const __m512i query = _mm512_set1_epi64((long long)q[0]);
    const __m512i bound = _mm512_set1_epi64(limit);
    size_t found = 0, j = 0;
    for (; j + 8 <= rows; j += 8) {
        __m512i d = _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512((const void *)(db + j)), query));
        __mmask8 m = _mm512_cmplt_epi64_mask(d, bound);
        while (m) {
            int lane = __builtin_ctz(m);
            hits[found] = (uint32_t)(j + lane);
            distances[found] = (int32_t)__builtin_popcountll(db[j + lane] ^ q[0]);
            found++;
            m &= (__mmask8)(m - 1);
        }
    }
    for (; j < rows; j++) {
        int32_t d = (int32_t)__builtin_popcountll(db[j] ^ q[0]);
        if (d < limit) { hits[found] = (uint32_t)j; distances[found] = d; found++; }
    }
    return found;
}

size_t dsc_hamming_below(const uint64_t *query, const uint64_t *database, size_t rows, size_t words, int32_t limit,
                         uint32_t *hits, int32_t *distances) {
    if (words == 1 && __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx512f"))
        return below_avx512_one_word(query, database, rows, limit, hits, distances);
    if (__builtin_cpu_supports("popcnt")) return below_popcnt(query, database, rows, words, limit, hits, distances);
    return below_portable(query, database, rows, words, limit, hits, distances);
}
