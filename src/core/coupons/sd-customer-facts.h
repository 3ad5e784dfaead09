/* sd-customer-facts.h — what the coupon engine knows of every customer, loaded at once
 *
 * One pass of aggregate queries turns the store into a compact table (recency, frequency
 * and spend, country, segment, categories bought, reviews, a typical basket), so rules
 * can be evaluated over a million customers in a tight loop without touching SQLite.
 */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64  product_id;
  guint   product;        /* index into SdCustomerFacts.products */
  int     quantity;
  gint64  unit_price_cents;
} SdCartLine;

typedef struct {
  gint64  id;
  char   *external_id;
  char   *category;       /* may be NULL */
  char   *tags;           /* comma-separated, may be NULL */
  gint64  price_cents;
  int     category_index; /* -1 when none */
} SdFactProduct;

typedef struct {
  gint64  id;             /* customers.id */
  const char *external_id;
  const char *name;
  int     country;        /* index into countries, -1 unknown */
  int     segment;        /* index into segments, -1 unknown */
  /* As the shop's figures count them (sd-figures.h), as the Recommendations page shows them:
   * sales with a merchandise line bought, and net merchandise spend (returns netted). */
  int     orders;
  gint64  spend_cents;
  gint64  first_order_at; /* 0 when none */
  gint64  last_order_at;  /* 0 when none */
  int     reviews;
  gint64  basket_cents;   /* typical basket: the median order value */
  guint   basket_first;   /* the lines of the last order, in basket_lines */
  guint   basket_len;
} SdCustomerFact;

typedef struct {
  guint           n_customers;
  SdCustomerFact *customers;
  guint           n_products;
  SdFactProduct  *products;
  GPtrArray      *countries;      /* char * */
  GPtrArray      *segments;
  GPtrArray      *categories;
  guint           n_category_words;
  guint64        *bought;         /* n_customers × n_category_words bitset */
  GArray         *basket_lines;   /* SdCartLine */
  gint64          now;            /* the newest order: "today" for recency */
  gint64          shop_basket_cents; /* the median typical basket: for customers without orders */
  gint64          shipping_cents; /* what free shipping costs the shop per order */

  /*< private >*/
  GStringChunk   *strings;
  GHashTable     *customer_index; /* customers.id → index + 1 */
  GHashTable     *product_index;  /* products.id → index + 1 */
  GHashTable     *product_by_ext; /* external id → index + 1 */
  GPtrArray      *audiences;      /* SdFactAudience * (sd-audience.h), for "in_segment" */
} SdCustomerFacts;

typedef struct {
  gint64  id;
  char   *name;
  GArray *customers;              /* guint: indices into SdCustomerFacts.customers */
} SdFactAudience;

SdCustomerFacts *sd_customer_facts_load        (SdStore         *store,
                                                GCancellable    *cancellable,
                                                GError         **error);
void             sd_customer_facts_free        (SdCustomerFacts *facts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCustomerFacts, sd_customer_facts_free)

int              sd_customer_facts_find        (SdCustomerFacts *facts,
                                                gint64           customer_id);
int              sd_customer_facts_find_product (SdCustomerFacts *facts,
                                                 const char      *external_id);
int              sd_customer_facts_category    (SdCustomerFacts *facts,
                                                const char      *name);
/* The saved audience called @key (any case), else numbered @key; NULL when none. Its
 * members as indices of customers. */
const SdFactAudience *sd_customer_facts_audience (SdCustomerFacts *facts,
                                                  const char      *key);
gboolean         sd_customer_facts_has_bought  (SdCustomerFacts *facts,
                                                guint            customer,
                                                int              category);
/* Chance the customer orders within @days, from their own order rate (and the shop's
 * for customers with one order or none). */
double           sd_customer_facts_order_probability (SdCustomerFacts *facts,
                                                      guint            customer,
                                                      double           days);

G_END_DECLS
