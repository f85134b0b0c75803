#include "ckernels.h"

// The same loop twice: once compiled for popcnt, once portable; each call picks by the CPU.

__attribute__((target("popcnt")))
static void distances_popcnt(const uint64_t *q, const uint64_t *db, size_t rows, size_t words, int32_t *out) {
    if (words == 1) {
        const uint64_t a = q[0];
        for (size_t j = 0; j < rows; j++) out[j] = (int32_t)__builtin_popcountll(db[j] ^ a);
    } else if (words == 2) {
        const uint64_t a = q[0], b = q[1];
        for (size_t j = 0; j < rows; j++)
            out[j] = (int32_t)(__builtin_popcountll(db[2 * j] ^ a) + __builtin_popcountll(db[2 * j + 1] ^ b));
    } else {
        for (size_t j = 0; j < rows; j++) {
            int32_t d = 0;
            for (size_t w = 0; w < words; w++) d += __builtin_popcountll(db[j * words + w] ^ q[w]);
            out[j] = d;
        }
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
