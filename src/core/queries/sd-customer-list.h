/* sd-customer-list.h — lists of customers to pick from
 *
 * The Chatbot page lets one talk as a customer of the shop; the customers with most
 * orders come first, as they have the most to ask about. Plain structs, read only
 * through @store, so a worker calls it on its own connection.
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64  id;            /* customers.id */
  char   *external_id;
  char   *name;          /* NULL when the shop has none */
  gint64  n_orders;
} SdCustomerEntry;

void       sd_customer_entry_free            (SdCustomerEntry  *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCustomerEntry, sd_customer_entry_free)

/* The @limit customers with most orders (SdCustomerEntry *): most orders first, then by
 * id. Customers without orders are not listed. */
GPtrArray *sd_customer_list_most_orders      (SdStore          *store,
                                              guint             limit,
                                              GError          **error);

G_END_DECLS
