/* sd-segments.h — clusters of taste that explain themselves: profiles and names
 *
 * On top of the customer map's clusters (sd-customer-map.h: k-means over ALS factors, k by
 * the silhouette, ids by size), each cluster gets a profile a merchandiser can read — size,
 * its share of customers and of revenue, average order value, orders per customer,
 * recency, the categories, products and title words its members buy more than the shop
 * as a whole does (lift), its countries and its tiers — and a name made from what sets it
 * apart ("Garden & Home Decor · United Kingdom · high spend"), in English and Chinese,
 * which the merchandiser may replace. Revenue and orders follow sd-figures.h: net
 * merchandise, orders that are sales with a merchandise line.
 */
#pragma once

#include <gio/gio.h>

#include "sd-customer-map.h"
#include "sd-job.h"
#include "sd-rfm.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* Something a cluster's members buy (or are): a category, a product, a title word, a
 * country or a tier. */
typedef struct {
  char   *key;        /* category, product external id, word, country or tier */
  char   *label;      /* what to show: the product's title; else the key */
  guint   customers;  /* members who bought it (or are it) */
  double  share;      /* customers / the cluster's size */
  double  lift;       /* share / the same share over every clustered customer */
} SdSegmentTrait;

typedef struct {
  guint       id;                 /* 0 … k − 1, by size */
  char       *name;               /* the merchandiser's name, else the generated one in the UI language */
  char       *name_en;            /* generated, English */
  char       *name_zh;            /* generated, Chinese */
  gboolean    renamed;
  guint       size;
  double      customer_share;
  gint64      revenue_cents;      /* net merchandise of its members */
  double      revenue_share;      /* of the clustered customers' revenue */
  gint64      orders;             /* sales with a merchandise line */
  gint64      aov_cents;          /* revenue / orders (0 without orders) */
  double      orders_per_customer;
  double      recency_days;       /* median days from a member's last order to the shop's newest; NaN: none ordered */
  GPtrArray  *top_categories;     /* SdSegmentTrait *, by lift */
  GPtrArray  *top_products;
  GPtrArray  *top_words;          /* title words, for shops without categories */
  GPtrArray  *countries;          /* by share */
  GPtrArray  *tiers;              /* customers.segment, by share */
} SdSegmentProfile;

typedef struct {
  SdCustomerMap *map;             /* the clusters, the heatmap and the map */
  GPtrArray     *profiles;        /* SdSegmentProfile *, by id */
  gboolean       has_categories;  /* the shop's products have categories */
  gint64         revenue_cents;   /* of every clustered customer */
  gint64         orders;
  gint64         now;             /* the newest order: "today" for recency */
  guint          n_refreshed;     /* audiences whose members were recomputed */
  SdRfm         *rfm;             /* the RFM grid, from sd_segments_compute() */
} SdSegments;

void        sd_segments_free            (SdSegments *segments);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSegments, sd_segments_free)

/* Profiles of the clusters of @map (taken), on @store. */
SdSegments *sd_segments_profile         (SdStore        *store,
                                         SdCustomerMap  *map,
                                         GCancellable   *cancellable,
                                         GError        **error);

/* Maps the customers (sd_customer_map_compute() with @use_stored and @k), profiles and
 * names the clusters, computes the RFM grid, and when @refresh, gives the audiences saved
 * from these clusters or RFM groups with "recompute" their members again. */
SdSegments *sd_segments_compute         (SdStore        *store,
                                         gboolean        use_stored,
                                         guint           k,
                                         gboolean        refresh,
                                         SdJob          *job,
                                         GCancellable   *cancellable,
                                         GError        **error);

/* The same as a job on its own connection to @db_path (refreshing audiences). */
SdJob      *sd_segments_job_new         (const char     *db_path,
                                         gboolean        use_stored,
                                         guint           k);
SdSegments *sd_segments_job_steal_result (SdJob         *job);

/* The members (customers.id) of cluster @id. */
GArray     *sd_segments_members         (SdSegments     *segments,
                                         guint           id);

/* The merchandiser's name for cluster @id of @model with @k clusters; NULL or "" goes back
 * to the generated one. Kept in the shop's settings. */
gboolean    sd_segments_rename          (SdStore        *store,
                                         const char     *model,
                                         guint           k,
                                         guint           id,
                                         const char     *name,
                                         GError        **error);

/* The definition stored with an audience saved from cluster @id (JSON). */
char       *sd_segments_definition      (SdSegments     *segments,
                                         guint           id);

G_END_DECLS
