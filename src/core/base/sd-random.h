/* sd-random.h — the project's one seeded, deterministic random number generator
 *
 * splitmix64 (Steele, Lea and Flood 2014; the seeding generator of xoshiro): 64 bits of
 * state, a fixed sequence for every seed on every platform (integer arithmetic only), and
 * good enough statistics for shuffles, splits, initial weights and for seeding larger
 * generators (the demo shop's xoshiro256** streams). Not for anything secret.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Advances @state and returns the next number of its sequence. Any seed, 0 included,
 * is a good starting state. */
guint64  sd_splitmix64         (guint64 *state);

/* Uniform in [0, 1) from the top 24 bits of the next number, so exactly representable
 * as a float. */
float    sd_splitmix64_float   (guint64 *state);

/* Shuffles @n numbers in place (Fisher–Yates from the end, index by modulo): the same
 * seed gives the same order. */
void     sd_splitmix64_shuffle (guint64 *state,
                                guint   *values,
                                guint    n);

/* @len bytes from the kernel's secure source (getrandom, else /dev/urandom): for keys and
 * privacy noise, where a seeded sequence would give the secret away. FALSE with @error
 * when neither can be read. */
gboolean sd_secure_random      (guint8  *out,
                                gsize    len,
                                GError **error);

G_END_DECLS
