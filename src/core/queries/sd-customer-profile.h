/* sd-customer-profile.h — one customer: who they are, what they spent, what they did
 *
 * What the Recommendations page shows above a customer's recommendations, and what
 * `shopdesk-cli recommend` looks a customer up with: the customers row, their orders
 * (count, lifetime spend, last one), how many events of each kind they have, their
 * latest events with the product's title in the chosen language (sd-product-text.h),
 * and the products they have (bought or reviewed). A plain struct, read only through
 * @store, so a worker calls it on its own connection. Every part is an indexed read of
 * one customer's rows.
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* One of the customer's events, for their recent activity. */
typedef struct {
  SdEventKind  kind;
  gint64       at;          /* unix seconds, UTC */
  int          rating;      /* 1–5 for a rated review, else 0 */
  int          quantity;
  char        *title;       /* the product's title in the chosen language */
  char        *review;      /* the review's text; NULL when none or empty */
} SdCustomerEvent;

typedef struct {
  gint64      id;                            /* customers.id */
  char       *external_id;
  char       *name;                          /* NULL when the shop has none (or it is empty) */
  char       *country;                       /* NULL when none */
  char       *segment;                       /* NULL when none */
  gint64      created_at;                    /* unix seconds; 0 when unknown */

  /* As the shop's figures count them (sd-figures.h): orders counted (sales with a
   * merchandise line), net merchandise sales over all their orders (returns and
   * cancellations netted; no postage, fees or gift cards), the newest order counted. */
  gint64      orders;
  gint64      lifetime_cents;
  gint64      last_order_at;                 /* unix seconds; 0 when none */

  gint64      events[SD_N_EVENT_KINDS];      /* all time, by SdEventKind */
  gint64      n_events;                      /* their sum */

  GPtrArray  *history;                       /* SdCustomerEvent *: newest first, at most n_history */
  /* products.id of what the customer has: purchase and review events (on rating data such
   * as MovieLens a review is the only sign) and the lines of their sales. Ascending, each
   * once. Viewed and carted products are not in it. */
  GArray     *bought;                        /* gint64 */
} SdCustomerProfile;

/* The profile of customers.id @customer_id with its @n_history latest events (0: none).
 * NULL with SD_ERROR_NOT_FOUND when the shop has no such customer. Any thread, on its
 * own @store. */
SdCustomerProfile *sd_customer_profile_load (SdStore            *store,
                                             gint64              customer_id,
                                             guint               n_history,
                                             GError            **error);
void               sd_customer_profile_free (SdCustomerProfile  *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCustomerProfile, sd_customer_profile_free)

G_END_DECLS
