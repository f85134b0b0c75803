#include "ckernels.h"

#include <immintrin.h>
#include <string.h>

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

// Codes of 1, 2 or 4 bytes (up to 8, 16 or 32 bits), packed without padding: `stride` bytes a
// code, bit j of a code in byte j / 8 at bit j % 8 (the little-endian view of the 64-bit words).

static inline uint64_t load_code(const uint8_t *p, size_t stride) {
    if (stride == 4) { uint32_t v; memcpy(&v, p, 4); return v; }
    if (stride == 2) { uint16_t v; memcpy(&v, p, 2); return v; }
    return p[0];
}

#define SMALL_DISTANCES(POPCOUNT)                                                             \
    const uint64_t qv = load_code(q, stride);                                                 \
    for (size_t j = 0; j < rows; j++) out[j] = (int32_t)POPCOUNT(load_code(db + j * stride, stride) ^ qv);

__attribute__((target("popcnt")))
static void small_distances_popcnt(const uint8_t *q, const uint8_t *db, size_t rows, size_t stride, int32_t *out) {
    SMALL_DISTANCES(__builtin_popcountll)
}

static void small_distances_portable(const uint8_t *q, const uint8_t *db, size_t rows, size_t stride, int32_t *out) {
    SMALL_DISTANCES(__builtin_popcountll)
}

#define SMALL_BELOW(POPCOUNT)                                                                 \
    const uint64_t qv = load_code(q, stride);                                                 \
    size_t found = 0;                                                                         \
    for (size_t j = 0; j < rows; j++) {                                                       \
        int32_t d = (int32_t)POPCOUNT(load_code(db + j * stride, stride) ^ qv);               \
        if (d < limit) { hits[found] = (uint32_t)j; distances[found] = d; found++; }          \
    }                                                                                         \
    return found;

__attribute__((target("popcnt")))
static size_t small_below_popcnt(const uint8_t *q, const uint8_t *db, size_t rows, size_t stride, int32_t limit,
                                 uint32_t *hits, int32_t *distances) {
    SMALL_BELOW(__builtin_popcountll)
}

static size_t small_below_portable(const uint8_t *q, const uint8_t *db, size_t rows, size_t stride, int32_t limit,
                                   uint32_t *hits, int32_t *distances) {
    SMALL_BELOW(__builtin_popcountll)
}

// Four-byte codes, 16 at a time: XOR, vector popcount of 32-bit lanes, compare with the limit.
__attribute__((target("avx512f,avx512vpopcntdq,popcnt")))
static size_t below_avx512_four_bytes(const uint8_t *q, const uint8_t *db, size_t rows, int32_t limit,
                                      uint32_t *hits, int32_t *distances) {
    uint32_t qv;
    memcpy(&qv, q, 4);
    const __m512i query = _mm512_set1_epi32((int)qv);
    const __m512i bound = _mm512_set1_epi32(limit);
    size_t found = 0, j = 0;
    for (; j + 16 <= rows; j += 16) {
        __m512i d = _mm512_popcnt_epi32(_mm512_xor_si512(_mm512_loadu_si512((const void *)(db + j * 4)), query));
        __mmask16 m = _mm512_cmplt_epi32_mask(d, bound);
        while (m) {
            int lane = __builtin_ctz(m);
            uint32_t v;
            memcpy(&v, db + (j + lane) * 4, 4);
            hits[found] = (uint32_t)(j + lane);
            distances[found] = (int32_t)__builtin_popcount(v ^ qv);
            found++;
            m &= (__mmask16)(m - 1);
        }
    }
    for (; j < rows; j++) {
        uint32_t v;
        memcpy(&v, db + j * 4, 4);
        int32_t d = (int32_t)__builtin_popcount(v ^ qv);
        if (d < limit) { hits[found] = (uint32_t)j; distances[found] = d; found++; }
    }
    return found;
}

void dsc_hamming_distances_packed(const uint8_t *query, const uint8_t *database, size_t rows, size_t stride,
                                  int32_t *out) {
    if (stride % 8 == 0) {
        dsc_hamming_distances((const uint64_t *)query, (const uint64_t *)database, rows, stride / 8, out);
        return;
    }
    if (__builtin_cpu_supports("popcnt")) small_distances_popcnt(query, database, rows, stride, out);
    else small_distances_portable(query, database, rows, stride, out);
}

size_t dsc_hamming_below_packed(const uint8_t *query, const uint8_t *database, size_t rows, size_t stride,
                                int32_t limit, uint32_t *hits, int32_t *distances) {
    if (stride % 8 == 0)
        return dsc_hamming_below((const uint64_t *)query, (const uint64_t *)database, rows, stride / 8, limit, hits,
                                 distances);
    if (stride == 4 && __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx512f"))
        return below_avx512_four_bytes(query, database, rows, limit, hits, distances);
    if (__builtin_cpu_supports("popcnt"))
        return small_below_popcnt(query, database, rows, stride, limit, hits, distances);
    return small_below_portable(query, database, rows, stride, limit, hits, distances);
}
