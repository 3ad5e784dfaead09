/* sd-sync-woocommerce.h — the SQL that reads a WooCommerce database as the sync's streams */
#pragma once

#include "sd-sync-source-private.h"

G_BEGIN_DECLS

/* The tables (without prefix) a stream reads; NULL-terminated. */
const char *const *sd_sync_woo_tables (SdSyncStream stream);

/* A SELECT of @stream's canonical columns (aliased by their names) from the tables under
 * @prefix (already checked: letters, digits, _). @hpos: read orders from wc_orders as
 * well as from legacy shop_order posts. With @with_since the query has *n_params
 * placeholders, each to be bound to the watermark. */
char              *sd_sync_woo_select (const char   *prefix,
                                       SdSyncStream  stream,
                                       gboolean      hpos,
                                       gboolean      with_since,
                                       guint        *n_params);

G_END_DECLS
