/* sd-fairness.h — who a recommender serves well, and what it shows: a report with a fix
 *
 * The model (the live one, or one chosen) is refitted with its own settings on the shop's
 * seeded training part (a 20 % holdout per customer, the one the Training page and
 * `models compare` use) and every customer with a training item is given a top ten:
 *   quality    NDCG@10 and Recall@20 on the held-out part, overall and per group of
 *              customers (tier, country, RFM group, new vs returning, light vs heavy
 *              buyers, and any groups the caller adds, e.g. MovieLens' gender), each with
 *              a 95 % bootstrap interval over customers and the gap to the best group
 *   exposure   each category's share of recommendation slots against its share of sales,
 *              the long tail's and new products' shares, the Gini coefficient of slots
 *              over the catalogue, catalogue coverage
 *   popularity the mean popularity (share of customers who have it) of recommended items
 *              against that of the items customers have
 * With a re-ranking (sd-rerank.h), every figure is computed before and after it on the
 * same customers, so its cost in accuracy is printed beside what it changes.
 */
#pragma once

#include <gio/gio.h>

#include "sd-dp.h"
#include "sd-job.h"
#include "sd-json-writer.h"
#include "sd-rerank.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  char   *label;
  guint   n_users;         /* customers of the group with a held-out item */
  double  ndcg;            /* NDCG@10 */
  double  ndcg_lo, ndcg_hi;
  double  recall;          /* Recall@20 */
  double  gap;             /* the best group's NDCG@10 minus this group's (0 for the best) */
  double  gap_lo, gap_hi;
} SdFairnessGroup;

typedef struct {
  char      *by;           /* "segment", "country", "rfm", "customer", "activity", … */
  GPtrArray *groups;       /* SdFairnessGroup *, by label */
  char      *best;         /* the label of the best group */
  double     max_gap;      /* the widest gap */
} SdFairnessDimension;

typedef struct {
  char   *category;
  double  recommended;     /* share of recommendation slots */
  double  sales;           /* share of sales (or of interactions: SdFairnessReport.sales_basis) */
} SdFairnessCategory;

typedef struct {
  guint      n_evaluated;  /* customers with a held-out item */
  guint64    n_slots;      /* places in the top tens given */
  double     ndcg, ndcg_lo, ndcg_hi;
  double     recall;
  double     coverage;     /* share of the catalogue in someone's top ten */
  double     gini;         /* of slots over the catalogue's items: 0 even, 1 all on one */
  double     tail_share;   /* of slots going to long-tail items */
  double     new_share;    /* of slots going to new products (NaN when the shop does not date them) */
  double     rec_popularity;     /* mean over customers of their top ten's mean popularity */
  double     bought_popularity;  /* the same of the items they have */
  double     popularity_lift;    /* rec / bought: above 1, popular items are favoured */
  GPtrArray *dimensions;   /* SdFairnessDimension * */
  GPtrArray *categories;   /* SdFairnessCategory *, by sales share */
} SdFairnessFigures;

typedef struct {
  gint64             model_id;      /* 0: a default fitted for the report */
  char              *algorithm;
  char              *label;
  char              *source;        /* "live", "stored" or "default" */
  SdRerankSpec       rerank;
  guint              n_served;      /* customers given a list */
  guint              n_items;       /* the catalogue's recommendable items */
  guint              n_tail;
  guint              n_new;
  gboolean           has_new;
  /* Recommendable items with a category, and with tags: MMR's likeness and calibration go
   * by them, so with none (Online Retail) those re-rankings change nothing. */
  guint              n_categorised;
  guint              n_tagged;
  char              *sales_basis;   /* "orders" or "interactions" */
  double             sales_tail_share;
  double             sales_new_share;
  double             sales_gini;
  guint              n_bootstrap;
  double             seconds;
  SdFairnessFigures *before;
  SdFairnessFigures *after;         /* NULL without a re-ranking */
} SdFairnessReport;

typedef struct {
  gint64              model_id;     /* 0: the live recommender, else the newest stored, else a default */
  SdRerankSpec        rerank;       /* NONE: the one saved with the model, if any */
  gboolean            no_saved;     /* do not take the model's saved re-ranking */
  guint               max_users;    /* serve at most this many customers (evenly spaced); 0 = all */
  guint               n_bootstrap;  /* 0 = 200 */
  guint64             seed;         /* of the bootstrap */
  /* Extra groupings: name → GHashTable (customers.external_id → label). */
  GHashTable         *extra_groups;
  SdJob              *job;
  GCancellable       *cancellable;
} SdFairnessOptions;

void               sd_fairness_report_free (SdFairnessReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdFairnessReport, sd_fairness_report_free)

SdFairnessReport  *sd_fairness_compute     (SdStore                 *store,
                                            const SdFairnessOptions *options,
                                            GError                 **error);

/* Why @kind cannot change this report's lists (the shop's products have nothing it goes
 * by), translated; NULL when it can. */
const char        *sd_fairness_rerank_futile   (const SdFairnessReport *report,
                                                SdRerankKind            kind);

/* The report as one JSON object. */
void               sd_fairness_report_write_json (const SdFairnessReport *report,
                                                  SdJsonWriter           *writer);
char              *sd_fairness_report_to_json    (const SdFairnessReport *report);
/* Per group and per category, before and after: one row each, for a spreadsheet. */
char              *sd_fairness_report_to_csv     (const SdFairnessReport *report);

/* The report for people outside the shop, released with differential privacy (sd-dp.h):
 * per side (before, after), the customers evaluated and their NDCG@10 summed (each
 * customer's in [0, 1]) overall and as one histogram per grouping (groups are disjoint),
 * the long tail's slots and the categories' slots (each customer gives at most ten
 * places); means and shares are noisy sums over noisy counts. Groups whose noisy count is
 * below @threshold are left out. JSON; NULL with @error when the budget cannot be used. */
char              *sd_fairness_report_release_dp (const SdFairnessReport *report,
                                                  SdDpMechanism           mechanism,
                                                  double                  epsilon,
                                                  double                  delta,
                                                  double                  threshold,
                                                  GError                **error);

/* A dimension of @figures by name, or NULL. */
/* Where a group stands against its dimension's best: the best itself, behind it by its gap,
 * or too small (under five customers) to be ranked — such a group may score above the best
 * (Online Retail's EIRE, three customers), so a gap of 0 does not make it the best. */
typedef enum {
  SD_FAIRNESS_STANDING_BEST,
  SD_FAIRNESS_STANDING_BEHIND,
  SD_FAIRNESS_STANDING_TOO_FEW,
} SdFairnessStanding;

SdFairnessStanding sd_fairness_group_standing (const SdFairnessDimension *dimension,
                                               const SdFairnessGroup     *group);

const SdFairnessDimension *sd_fairness_figures_dimension (const SdFairnessFigures *figures,
                                                          const char              *by);
/* The title of a grouping for people: "Tier", "Country", "RFM group", … */
const char        *sd_fairness_dimension_title (const char *by);

/* The same report as a job ("Measuring fairness"): options copied; the result, once it
 * finished, with sd_fairness_job_steal_report() (yours to free). */
SdJob             *sd_fairness_job_new        (const char              *shop_path,
                                               const SdFairnessOptions *options);
SdFairnessReport  *sd_fairness_job_steal_report (SdJob                 *job);

G_END_DECLS
