/* sd-dp-report.h — the Overview's figures and segment profiles released with differential
 * privacy, for people outside the shop
 *
 * Per customer: their sales in the shop's currency (orders counted, clamped to
 * orders_bound) and net merchandise revenue (clamped to [0, revenue_bound_cents]), and the
 * group they are in (their country, or their segment). Three queries, each a histogram over
 * the disjoint groups, so each costs one share of ε (sd-dp.h): customers, orders and revenue
 * per group. Totals are the sums of the noisy cells (post-processing, free), the average
 * order the noisy revenue over the noisy orders. A group is left out when its noisy
 * customer count is below the threshold, and also — a hard floor people outside can be
 * promised — when fewer than threshold customers are really in it (that second rule makes
 * whether a small group shows depend on its true size: see README, “Privacy”).
 */
#pragma once

#include "sd-dp.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  SdDpMechanism mechanism;
  double        epsilon;             /* the whole release's */
  double        delta;               /* Gaussian only */
  double        threshold;           /* customers a shown group needs */
  double        orders_bound;        /* orders counted per customer, at most */
  double        revenue_bound_cents; /* revenue per customer, at most */
} SdDpOptions;

/* Laplace, ε 1, δ 1e-6, threshold 20 customers, 10 orders and 1,000.00 per customer. */
void sd_dp_options_init (SdDpOptions *options);

typedef struct {
  char   *name;
  double  customers, orders, revenue_cents, average_order_cents;   /* noisy, rounded, ≥ 0 */
} SdDpCell;

typedef enum {
  SD_DP_BY_COUNTRY,
  SD_DP_BY_SEGMENT,
} SdDpGrouping;

typedef struct {
  SdDpOptions  options;
  SdDpGrouping grouping;
  char        *currency;          /* the shop's; NULL when it has none */
  guint        n_queries;
  double       epsilon_spent;
  double       epsilon_per_query;
  double       count_scale, orders_scale, revenue_scale;   /* each cell's noise (b or σ) */
  SdDpCell     total;             /* name NULL */
  GPtrArray   *cells;             /* SdDpCell *, the groups shown, most customers first */
  guint        n_suppressed;
} SdDpReport;

void        sd_dp_report_free   (SdDpReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdDpReport, sd_dp_report_free)

/* The shop's figures by country. */
SdDpReport *sd_dp_report_shop   (SdStore            *store,
                                 const SdDpOptions  *options,
                                 GError            **error);
/* The figures of segments: @names[i] is group i, @members[i] a GArray of its customers.id. */
SdDpReport *sd_dp_report_groups (SdStore            *store,
                                 const SdDpOptions  *options,
                                 const char *const  *names,
                                 GArray            **members,
                                 guint               n_groups,
                                 GError            **error);
/* The release as JSON: its budget, clamps and noise scales first, then the figures. */
char       *sd_dp_report_to_json (const SdDpReport *report);

G_END_DECLS
