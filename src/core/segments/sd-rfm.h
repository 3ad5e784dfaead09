/* sd-rfm.h — the recency × frequency grid store managers know, with monetary value
 *
 * Every customer with an order that counts (a sale with a merchandise line) gets three
 * scores from 1 to 5 by quintile among those customers — recency (the last order: 5 the
 * most recent), frequency (orders) and monetary (net merchandise revenue, sd-figures.h) —
 * and a group from where they sit on the recency × frequency grid: Champions, Loyal,
 * Potential loyalists, New, Promising, Need attention, About to sleep, At risk, Can't lose
 * them, Hibernating, Lost. Ties get the same score (mid-rank), so the many customers with
 * one order share one frequency score.
 */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_RFM_CHAMPIONS,
  SD_RFM_LOYAL,
  SD_RFM_POTENTIAL_LOYALISTS,
  SD_RFM_NEW,
  SD_RFM_PROMISING,
  SD_RFM_NEED_ATTENTION,
  SD_RFM_ABOUT_TO_SLEEP,
  SD_RFM_AT_RISK,
  SD_RFM_CANT_LOSE,
  SD_RFM_HIBERNATING,
  SD_RFM_LOST,
  SD_RFM_N_GROUPS
} SdRfmGroup;

typedef struct {
  guint   customers;
  gint64  revenue_cents;
  double  recency_days;       /* means over the group's customers */
  double  orders;
  double  spend_cents;
} SdRfmStats;

typedef struct {
  guint        n_customers;
  gint64      *customer_ids;
  char       **external_ids;  /* NULL-terminated, in the same order */
  double      *recency_days;  /* days from the last order to the shop's newest */
  gint64      *orders;
  gint64      *spend_cents;   /* net merchandise revenue of each */
  guint8      *r, *f, *m;     /* scores 1 … 5 */
  guint8      *group;         /* SdRfmGroup */
  gint64       now;
  gint64       revenue_cents; /* of all these customers */
  SdRfmStats   groups[SD_RFM_N_GROUPS];
  SdRfmStats   cells[5][5];   /* [r − 1][f − 1] */
} SdRfm;

void          sd_rfm_free          (SdRfm       *rfm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdRfm, sd_rfm_free)

SdRfm        *sd_rfm_compute       (SdStore      *store,
                                    GCancellable *cancellable,
                                    GError      **error);

/* The group at scores @r, @f (1 … 5). */
SdRfmGroup    sd_rfm_group_at      (guint        r,
                                    guint        f);
/* "champions", "cant-lose", … (for JSON, CSV and stored audiences) and back. */
const char   *sd_rfm_group_id      (SdRfmGroup   group);
gboolean      sd_rfm_group_from_id (const char  *id,
                                    SdRfmGroup  *out);
/* "Champions", "Can't lose them", … in the UI's language. */
const char   *sd_rfm_group_title   (SdRfmGroup   group);
/* A customer's segment as the pages name it: "VIP", "Regular", an RFM group's title
 * ("new" → "New customers"), else as stored; NULL for NULL. */
const char   *sd_rfm_segment_title (const char  *segment);
/* What the group is and what to do with it, in the UI's language. */
const char   *sd_rfm_group_advice  (SdRfmGroup   group);

/* The customers (customers.id) of @group, or of cell (@r, @f) when @r > 0. */
GArray       *sd_rfm_members       (SdRfm       *rfm,
                                    SdRfmGroup   group,
                                    guint        r,
                                    guint        f);

/* Why frequency scores no customer has are empty, in the UI's language, or NULL when each
 * score 1 … 5 has customers. Ties share a score, so when more than a fifth of the customers
 * have the same number of orders (often one order) the scores beside them are skipped: on
 * Online Retail 35 % have one order and score 1, those with two orders score 3, and no one 2.
 * A person reading the grid takes an empty row for a fault unless it is said. */
char         *sd_rfm_describe_empty_frequency (const SdRfm *rfm);
/* Audiences saved from RFM groups with "recompute" get their members again from @rfm. */
gboolean      sd_rfm_refresh_audiences (SdStore *store,
                                        SdRfm   *rfm,
                                        guint   *n_refreshed,
                                        GError **error);

G_END_DECLS
