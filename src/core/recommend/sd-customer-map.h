/* sd-customer-map.h — how customers resemble each other, computed in a background job
 *
 * For the Customers page and anything else that maps customers:
 *  - the cosine similarity of the interaction rows of the most active customers, with the
 *    rows ordered by sd_seriation_order() so clusters show as blocks on a heatmap;
 *  - a 2D map of taste: the ALS user factors (the stored "als" model when asked for and
 *    usable, else a small, strongly regularised one trained for the map) projected on
 *    their two principal axes (sd_pca_project);
 *  - colourings of the map by segment, country, k-means cluster of the factors and, on a
 *    demo shop, the planted taste group, with how well k-means recovers those groups.
 */
#pragma once

#include <gio/gio.h>

#include "sd-job.h"

G_BEGIN_DECLS

typedef struct {
  char   *id;          /* "segment", "country", "cluster", "taste-group" */
  guint  *values;      /* per map point: an index into names */
  char  **names;       /* NULL-terminated category names; "" for customers without one */
} SdCustomerColouring;

typedef struct {
  /* Heatmap: n_similar customers, already in display order. */
  guint       n_similar;
  double     *similarity;        /* n_similar × n_similar, row-major */
  char      **similar_labels;    /* n_similar names (NULL-terminated) */
  char      **similar_ids;       /* their external ids */
  double      similar_mean;      /* mean off-diagonal similarity */

  /* Map: n_points customers (the most active ones). */
  guint       n_points;
  double     *x;
  double     *y;
  char      **labels;            /* names for hover (the external id when unnamed) */
  char      **external_ids;
  double      explained[2];      /* variance share of the two axes */
  guint       n_factors;
  gboolean    trained_als;       /* the factors come from the small map model */
  GPtrArray  *colourings;        /* SdCustomerColouring * */

  guint       k;                 /* k-means clusters */
  /* k-means against the planted taste groups, over customers that have one; NaN when
   * the shop has none. */
  double      ari;
  double      purity;
  guint       n_with_group;
  guint       n_customers;       /* customers with any interaction */
} SdCustomerMap;

void                  sd_customer_map_free            (SdCustomerMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCustomerMap, sd_customer_map_free)

/* The colouring called @id, or NULL. */
SdCustomerColouring  *sd_customer_map_get_colouring   (SdCustomerMap *map,
                                                       const char    *id);

/* @max_similar (0 = 200) customers on the heatmap, @max_points (0 = 3000) on the map.
 * @use_stored: take the factors of the newest stored ALS model when there is one that
 * fits the shop (FALSE: always the small map model). */
SdCustomerMap        *sd_customer_map_compute         (SdStore       *store,
                                                       guint          max_similar,
                                                       guint          max_points,
                                                       gboolean       use_stored,
                                                       SdJob         *job,
                                                       GCancellable  *cancellable,
                                                       GError       **error);

/* A job that opens its own connection to @db_path and computes the map; the result is
 * taken with sd_customer_map_job_steal_result() once it finished. */
SdJob                *sd_customer_map_job_new         (const char    *db_path,
                                                       guint          max_similar,
                                                       guint          max_points,
                                                       gboolean       use_stored);
SdCustomerMap        *sd_customer_map_job_steal_result (SdJob        *job);

G_END_DECLS
