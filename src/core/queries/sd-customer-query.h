/* sd-customer-query.h — finding a customer: by what one types, or the most active
 *
 * The Recommendations page's search suggestions and its "most active customers" list for
 * the empty state. Both scan the customers or events table, so callers run them in a
 * worker on its own connection; @cancellable is checked between rows.
 */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* A customer in a list to pick from. */
typedef struct {
  gint64  id;            /* customers.id */
  char   *external_id;
  char   *name;          /* NULL when the shop has none (or it is empty) */
  char   *country;       /* NULL when none */
  char   *segment;       /* NULL when none */
  gint64  n_events;      /* sd_customer_query_most_active() only; else 0 */
} SdCustomerMatch;

void       sd_customer_match_free         (SdCustomerMatch  *match);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCustomerMatch, sd_customer_match_free)

/* Customers whose external id or name contains @text (SQLite's LIKE: ASCII letters in any
 * case; %, _ and \ match themselves), at most @limit (SdCustomerMatch *): an external id
 * equal to @text first, then ids and names that start with it, then the rest, each group
 * by name and id. */
GPtrArray *sd_customer_query_search       (SdStore          *store,
                                           const char       *text,
                                           guint             limit,
                                           GCancellable     *cancellable,
                                           GError          **error);

/* The @limit customers with most events (SdCustomerMatch *, n_events set): most first,
 * then by id. Customers without events are not listed. */
GPtrArray *sd_customer_query_most_active  (SdStore          *store,
                                           guint             limit,
                                           GCancellable     *cancellable,
                                           GError          **error);

G_END_DECLS
