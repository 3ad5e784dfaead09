/* sd-customer-map.h — how customers resemble each other, computed in a background job
 *
 * For the Customers page and anything else that maps customers:
 *  - the cosine similarity of the interaction rows of the most active customers, with the
 *    rows ordered by sd_seriation_order() so clusters show as blocks on a heatmap;
 *  - clusters of taste: k-means over the direction of every active customer's ALS factors
 *    (the stored "als" model when asked for and usable, else a small, strongly regularised
 *    one trained for the map), k chosen by the silhouette unless given, numbered by size
 *    (largest first, ties by the smallest customer id) so that the same model and k give
 *    the same ids every time;
 *  - a 2D map of taste of the most active customers: both the projection on the two
 *    principal axes (sd_pca_project) and a neighbour-preserving layout (sd_embed_layout),
 *    with how many of each customer's 10 nearest neighbours in factor space each keeps
 *    (k-NN recall); the map shown is the one that keeps more;
 *  - colourings of the map by segment, country and cluster.
 *
 * Nothing here reads the demo shop's planted taste groups: they are the answer key that
 * only tests compare with.
 */
#pragma once

#include <gio/gio.h>

#include "sd-job.h"
#include "sd-store.h"

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
  guint      *similar_clusters;  /* their clusters: rows are grouped by cluster */
  double      similar_mean;      /* mean off-diagonal similarity */

  /* Map: n_points customers (the most active ones). */
  guint       n_points;
  double     *x;
  double     *y;
  char      **labels;            /* names for hover (the external id when unnamed) */
  char      **external_ids;
  double     *pca_xy;            /* n_points × 2: the principal-axes map */
  double     *layout_xy;         /* n_points × 2: the neighbour-preserving map (NULL: none) */
  double      explained[2];      /* variance share of the two principal axes */
  double      recall_pca;        /* 10-NN recall of each map (NaN when not measured) */
  double      recall_layout;
  gboolean    chose_layout;      /* x, y are the neighbour-preserving map */
  guint       n_factors;
  gboolean    trained_als;       /* the factors come from the small map model */
  char       *model;             /* "als:ID" (a stored model's row) or "map" */
  GPtrArray  *colourings;        /* SdCustomerColouring * */

  /* Clusters, over every customer with an interaction (not only those on the map). */
  guint       k;                 /* k-means clusters */
  gboolean    k_chosen;          /* k was chosen by the silhouette */
  double      silhouette;        /* mean silhouette of the clustering (sampled) */
  guint       n_customers;       /* customers with any interaction */
  gint64     *customer_ids;      /* n_customers customers.id, most active first */
  guint      *customer_cluster;  /* n_customers cluster ids, 0 .. k − 1 */
  double     *factors;           /* n_customers × n_factors, each row of length 1 */

  /* What the interactions are made of: the shop's events by SdEventKind (Online Retail's
   * are purchases only), so a caption names what the data holds. */
  gint64      events[SD_N_EVENT_KINDS];
} SdCustomerMap;

void                  sd_customer_map_free            (SdCustomerMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCustomerMap, sd_customer_map_free)

/* The colouring called @id, or NULL. */
SdCustomerColouring  *sd_customer_map_get_colouring   (SdCustomerMap *map,
                                                       const char    *id);

/* @max_similar (0 = 200) customers on the heatmap, @max_points (0 = 3000) on the map.
 * @use_stored: take the factors of the newest stored ALS model when there is one that
 * fits the shop (FALSE: always the small map model). @k: clusters (0: chosen by the
 * silhouette among 2 … 12). */
SdCustomerMap        *sd_customer_map_compute         (SdStore       *store,
                                                       guint          max_similar,
                                                       guint          max_points,
                                                       gboolean       use_stored,
                                                       guint          k,
                                                       SdJob         *job,
                                                       GCancellable  *cancellable,
                                                       GError       **error);

/* A job that opens its own connection to @db_path and computes the map; the result is
 * taken with sd_customer_map_job_steal_result() once it finished. */
SdJob                *sd_customer_map_job_new         (const char    *db_path,
                                                       guint          max_similar,
                                                       guint          max_points,
                                                       gboolean       use_stored,
                                                       guint          k);
SdCustomerMap        *sd_customer_map_job_steal_result (SdJob        *job);

/* The cluster of customers.id @customer_id, or -1 when it has none. */
int                   sd_customer_map_cluster_of      (SdCustomerMap *map,
                                                       gint64         customer_id);


G_END_DECLS
