/* sd-product-text.h — which language product titles are shown in */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* The language parameter: numbered far above the ?1, ?2… a query binds itself, because
 * a named parameter placed before them would take index 1 and collide with ?1. */
#define SD_PRODUCT_TEXT_LANG_PARAM "?99"

/* A product's title in the chosen language, falling back to its own title. @p is the
 * alias of the products table in the query; bind the language with sd_product_text_bind(). */
#define SD_PRODUCT_TITLE(p) \
  "COALESCE((SELECT ptx.title FROM product_texts ptx WHERE ptx.product_id = " p ".id" \
  " AND ptx.lang = " SD_PRODUCT_TEXT_LANG_PARAM "), " p ".title)"

const char *sd_product_text_lang          (void);
void        sd_product_text_set_setting   (const char   *setting);
void        sd_product_text_bind          (sqlite3_stmt *stmt);
char       *sd_product_text_title         (SdStore      *store,
                                           gint64        product_id,
                                           const char   *fallback);

/* The names the shop gives its categories in the chosen language (the demo shop's
 * "categories.zh_CN" setting: "Kitchen" → 厨房用品), category → name; NULL when it has
 * none for that language, and the stored names are shown. Any thread, on its own @store. */
GHashTable *sd_product_text_categories    (SdStore      *store);
/* @category as shown: its name in @names (from the above, may be NULL), else itself. */
const char *sd_product_text_category      (GHashTable   *names,
                                           const char   *category);

G_END_DECLS
