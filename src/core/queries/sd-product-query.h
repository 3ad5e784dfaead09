/* sd-product-query.h — what the shop's catalogue holds
 *
 * The product categories the Recommendations page offers to boost or bury. Reads only
 * through @store (an index scan, capped), so the main thread may call it as well as a
 * worker on its own connection.
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* The shop's product categories (char *), each once, in byte order, at most @limit;
 * products without a category (NULL or empty) add none. */
GPtrArray *sd_product_query_categories (SdStore  *store,
                                        guint     limit,
                                        GError  **error);

G_END_DECLS
