/* sd-product-text.c — which language product titles are shown in
 *
 * The demo shop carries Chinese titles in product_texts. The "demo-language" setting
 * picks them ("zh_CN"), the shop's own titles ("en"), or follows the UI language
 * ("auto"). Pages query in worker threads, so the choice is one pointer to a static
 * string, swapped atomically on the main thread and read from any thread. */
#include "config.h"

#include <string.h>

#include "sd-json.h"
#include "sd-product-text.h"

static const char *chosen_lang;   /* NULL until set: "auto" */

static const char *
lang_for (const char *setting)
{
  if (setting && g_str_equal (setting, "zh_CN"))
    return "zh_CN";
  if (setting && g_str_equal (setting, "en"))
    return "en";

  /* "auto": the first language the UI is shown in; gettext reads the same list. */
  for (const char * const *names = g_get_language_names (); *names; names++)
    {
      if (g_str_has_prefix (*names, "zh"))
        return "zh_CN";
      if (!g_str_equal (*names, "C") && !g_str_has_prefix (*names, "C."))
        return "en";
    }
  return "en";
}

/* "zh_CN" or "en": the product_texts language titles are shown in. */
const char *
sd_product_text_lang (void)
{
  const char *lang = g_atomic_pointer_get (&chosen_lang);

  return lang ? lang : lang_for ("auto");
}

/* Main thread: the value of the "demo-language" setting ("auto", "en" or "zh_CN"). */
void
sd_product_text_set_setting (const char *setting)
{
  g_atomic_pointer_set (&chosen_lang, lang_for (setting));
}

/* Binds the language parameter of SD_PRODUCT_TITLE(), if @stmt has it. */
void
sd_product_text_bind (sqlite3_stmt *stmt)
{
  int index = sqlite3_bind_parameter_index (stmt, SD_PRODUCT_TEXT_LANG_PARAM);

  if (index > 0)
    sqlite3_bind_text (stmt, index, sd_product_text_lang (), -1, SQLITE_STATIC);
}

/* Product @product_id's title in the chosen language, for lists built from a catalogue
 * that keeps the shop's own titles (the models' features). Any thread, on its own
 * @store; @fallback when the product is gone. */
char *
sd_product_text_title (SdStore    *store,
                       gint64      product_id,
                       const char *fallback)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT " SD_PRODUCT_TITLE ("p")
                                                    " FROM products p WHERE p.id = ?1", NULL);

  if (stmt == NULL)
    return g_strdup (fallback);
  sqlite3_bind_int64 (stmt, 1, product_id);
  sd_product_text_bind (stmt);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_text (stmt, 0) == NULL)
    return g_strdup (fallback);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

GHashTable *
sd_product_text_categories (SdStore *store)
{
  const char *lang = sd_product_text_lang ();
  g_autofree char *key = NULL, *json = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  GHashTable *names;

  /* The stored names are the shop's own language's. */
  if (g_str_equal (lang, "en"))
    return NULL;
  key = g_strdup_printf ("categories.%s", lang);
  json = sd_store_get_setting (store, key);
  if (json == NULL || !(root = sd_json_parse (json, -1, key, NULL)) ||
      sd_json_node_get_node_type (root) != SD_JSON_OBJECT)
    return NULL;
  names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < sd_json_node_get_length (root); i++)
    {
      const char *category = sd_json_node_get_member_name (root, i);
      const char *name = sd_json_node_get_member_string (root, category);

      if (category && name && *name)
        g_hash_table_insert (names, g_strdup (category), g_strdup (name));
    }
  return names;
}

const char *
sd_product_text_category (GHashTable *names,
                          const char *category)
{
  const char *name = names && category ? g_hash_table_lookup (names, category) : NULL;

  return name ? name : category;
}
