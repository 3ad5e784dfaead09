/* sd-dp.h — differentially private counts and sums for reports that leave the shop
 *
 * A release (SdDpRelease) is one report: it is given a total privacy budget ε (and δ for
 * Gaussian noise) and the number of queries it will answer, and splits the budget evenly
 * over them (sequential composition). A query is a count or a sum; a histogram whose cells
 * are disjoint groups of customers (segments, countries) is one query, since each customer
 * is in one cell only (parallel composition).
 *
 * Rules the caller keeps: each customer is counted at most once per count, and each
 * customer's contribution to a sum is clamped to [0, bound] (sd_dp_clamp) before it is
 * added, so one customer changes a count by at most 1 and a sum by at most bound.
 *
 * Noise comes first and suppression after: a cell whose *noisy* count is below the
 * release's threshold is suppressed (a suppressed count or sum is not to be shown), so the
 * decision itself is private. Randomness is read from the kernel (getrandom, else
 * /dev/urandom), never from a seeded generator.
 *
 *   g_autoptr(SdDpRelease) r = sd_dp_release_new (SD_DP_LAPLACE, 1.0, 0, 2, 10, &error);
 *   sd_dp_release_count (r, customers, &noisy_customers, &error);
 *   sd_dp_release_sum (r, clamped_revenue, 500.0, &noisy_revenue, &error);
 *   sd_dp_release_spent (r);  // 1.0
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_DP_LAPLACE,    /* pure ε-DP: scale sensitivity / ε */
  SD_DP_GAUSSIAN,   /* (ε, δ)-DP, ε ≤ 1 per query: σ = sensitivity · √(2 ln (1.25/δ)) / ε */
} SdDpMechanism;

const char   *sd_dp_mechanism_to_string  (SdDpMechanism mechanism);
gboolean      sd_dp_mechanism_from_string (const char   *text,
                                           SdDpMechanism *out);

typedef struct _SdDpRelease SdDpRelease;

/* A release of @n_queries queries under a total of @epsilon (and @delta, Gaussian only).
 * Cells whose noisy count is below @threshold are suppressed. Refuses (SD_ERROR_INVALID_INPUT,
 * naming the value) ε ≤ 0 or not finite, δ outside (0, 1) for Gaussian, no queries, a
 * negative threshold, and Gaussian noise whose per-query ε exceeds 1. */
SdDpRelease  *sd_dp_release_new          (SdDpMechanism  mechanism,
                                          double         epsilon,
                                          double         delta,
                                          guint          n_queries,
                                          double         threshold,
                                          GError       **error);
void          sd_dp_release_free         (SdDpRelease   *release);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdDpRelease, sd_dp_release_free)

SdDpMechanism sd_dp_release_mechanism    (SdDpRelease   *release);
double        sd_dp_release_epsilon      (SdDpRelease   *release);   /* the total */
double        sd_dp_release_delta        (SdDpRelease   *release);
double        sd_dp_release_threshold    (SdDpRelease   *release);
guint         sd_dp_release_n_queries    (SdDpRelease   *release);
double        sd_dp_release_query_epsilon (SdDpRelease  *release);  /* ε / n_queries */
double        sd_dp_release_query_delta  (SdDpRelease   *release);
/* ε spent by the queries answered so far; never more than the total. */
double        sd_dp_release_spent        (SdDpRelease   *release);
guint         sd_dp_release_answered     (SdDpRelease   *release);

/* The noise's scale for a query of @sensitivity: Laplace b, or Gaussian σ. */
double        sd_dp_release_scale        (SdDpRelease   *release,
                                          double         sensitivity);

/* One count (sensitivity 1). Fails with SD_ERROR_TOO_LARGE, answering nothing, once the
 * release's queries are used up. */
gboolean      sd_dp_release_count        (SdDpRelease   *release,
                                          double         count,
                                          double        *noisy,
                                          GError       **error);
/* One sum of contributions each clamped to [0, @bound] (sensitivity @bound). */
gboolean      sd_dp_release_sum          (SdDpRelease   *release,
                                          double         clamped_sum,
                                          double         bound,
                                          double        *noisy,
                                          GError       **error);
/* One query over @n disjoint cells (each customer in one cell at most): every cell gets
 * its own noise of sensitivity @sensitivity (1 for counts, the bound for sums), and the
 * whole costs one query's ε. */
gboolean      sd_dp_release_cells        (SdDpRelease   *release,
                                          const double  *values,
                                          guint          n,
                                          double         sensitivity,
                                          double        *noisy,
                                          GError       **error);
/* Whether a noisy count is below the threshold (then neither it nor the cell's other
 * figures are to be shown). */
gboolean      sd_dp_release_suppress     (SdDpRelease   *release,
                                          double         noisy_count);

/* @value clamped to [0, @bound]. */
double        sd_dp_clamp                (double         value,
                                          double         bound);

/* Noise draws, for the tests: Laplace(0, @scale) and Normal(0, @sigma). */
double        sd_dp_laplace              (double         scale);
double        sd_dp_gaussian             (double         sigma);
/* A uniform double in (0, 1) from the kernel's secure source. */
double        sd_dp_uniform              (void);

G_END_DECLS
