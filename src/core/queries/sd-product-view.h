/* sd-product-view.h — one product as its view shows it: sales over time, who buys it, what
 * is bought with it, similar items
 *
 * Lines count as the shop's figures count them (sd-figures.h): positive lines of sales and
 * the cancellations and returns that net them. Money is in the shop's currency (lines of
 * orders in other currencies are left out of amounts, never added in); units, orders and
 * buyers count every order. "Bought together" and similar items are merchandise only.
 */
#pragma once

#include <gio/gio.h>

#include "sd-chart-time.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* A customer who buys the product. */
typedef struct {
  gint64  customer_id;
  char   *external_id;
  char   *name;               /* NULL without one */
  char   *country;            /* NULL without one */
  gint64  units;              /* net units of the product */
  gint64  orders;             /* their sales with a positive line of it */
} SdProductBuyer;

/* Another product: bought in the same orders, or similar. */
typedef struct {
  gint64  product_id;
  char   *external_id;
  char   *title;              /* in the chosen language */
  char   *category;           /* NULL without one */
  double  score;              /* orders with both (bought together), or similarity */
} SdProductPeer;

/* Sales of the product in one day, week or month. */
typedef struct {
  gint64 start;
  gint64 revenue_cents;       /* in the shop's currency */
  gint64 units;
} SdProductBucket;

typedef struct {
  gint64        product_id;
  char         *external_id;
  char         *title;        /* in the chosen language */
  char         *description;
  char         *category;
  char         *kind;         /* merchandise, shipping, fee, adjustment, gift-card */
  char         *status;       /* active, draft, archived, … */
  gint64        price_cents;
  gint64        stock;
  char         *currency;     /* the shop's (upper case); NULL without one */

  gint64        revenue_cents;
  gint64        units;
  gint64        orders;       /* sales with a positive line of it */
  gint64        customers;    /* distinct customers of those */
  gint64        first_sold_at, last_sold_at;   /* 0 when never sold */

  /* Every bucket from the first sale to the last; empty when never sold. */
  SdTimeBucket  bucket;
  GArray       *series;       /* SdProductBucket */
  GPtrArray    *buyers;       /* SdProductBuyer, most units first */
  GPtrArray    *bought_together;  /* SdProductPeer, most orders in common first */
} SdProductView;

/* Product @product_id with its @top_n best buyers and products bought with it. Any thread,
 * on its own @store. SD_ERROR_NOT_FOUND when there is no such product. */
SdProductView *sd_product_view_load    (SdStore        *store,
                                        gint64          product_id,
                                        guint           top_n,
                                        GCancellable   *cancellable,
                                        GError        **error);
void           sd_product_view_free    (SdProductView  *view);

/* The @n products most like @product_id (SdProductPeer, score = similarity): by the shop's
 * stored item-kNN model (bought by the same customers), else by their texts (TF-IDF).
 * @source is set to "itemknn" or "content". Reads the whole interaction matrix: seconds on
 * a large shop, so a worker's job. Empty when the product has no place in the models. */
GPtrArray     *sd_product_similar_load (SdStore        *store,
                                        gint64          product_id,
                                        guint           n,
                                        const char    **source,
                                        GCancellable   *cancellable,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdProductView, sd_product_view_free)

G_END_DECLS
