/* sd-catalog.h — what the recommenders know of each item beyond interactions
 *
 * Indexed like an SdInteractions' items (dense 0..n_items-1): titles and texts for the
 * content model and explanations, category and stock for the filters.
 */
#pragma once

#include <gio/gio.h>

#include "sd-interactions.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64  id;            /* store id (products.id) or the file's key */
  char   *external_id;
  char   *title;
  char   *description;   /* may be NULL */
  char   *category;      /* may be NULL */
  char   *tags;          /* comma-separated, may be NULL */
  int     stock;         /* < 0: unknown (files without stock) */
  gint64  price_cents;
  gboolean off_sale;     /* a draft, archived or unlisted product: never recommended */
} SdCatalogItem;

typedef struct {
  guint          n_items;
  SdCatalogItem *items;
  /*< private >*/
  gint           ref_count;
} SdCatalog;

SdCatalog *sd_catalog_ref        (SdCatalog      *self);
void       sd_catalog_unref      (SdCatalog      *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCatalog, sd_catalog_unref)

/* Items of @interactions, filled from the store's products (and product_texts when
 * @lang is not NULL and has a translation). */
SdCatalog *sd_catalog_from_store (SdStore        *store,
                                  SdInteractions *interactions,
                                  const char     *lang,
                                  GError        **error);
/* An empty catalog the caller fills (items zeroed, stock -1). */
SdCatalog *sd_catalog_new        (guint           n_items);

G_END_DECLS
