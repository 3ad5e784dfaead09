/* sd-dialogue-suggest.c — recommendations and coupons offered in the chat */
#include "config.h"

#include "sd-coupon-store.h"
#include "sd-dialogue-private.h"
#include "sd-error.h"
#include "sd-figures.h"

typedef struct {
  gint64  id;
  char   *category;
} Popular;

static void
popular_clear (gpointer p)
{
  g_free (((Popular *) p)->category);
}

/* Products in stock (when the shop knows its stock) by purchases, best first: read once, since it is the same for every
 * customer and the query touches every order line. */
static GArray *
ensure_popular (SdDialogue *self)
{
  if (self->popular)
    return self->popular;
  self->popular = g_array_new (FALSE, FALSE, sizeof (Popular));
  g_array_set_clear_func (self->popular, popular_clear);
  g_autoptr(SdStmt) stmt = sd_store_prepare (self->store,
      "SELECT p.id, p.category FROM order_lines l JOIN orders o ON o.id = l.order_id "
      "JOIN products p ON p.id = l.product_id "
      "WHERE " SD_SQL_ORDER_IS_SALE ("o") " AND (p.stock > 0 OR NOT ?1) AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") " "
      "GROUP BY p.id ORDER BY COUNT(*) DESC, p.id LIMIT 500", NULL);
  if (stmt)
    sqlite3_bind_int (stmt, 1, sd_dialogue_tracks_stock (self));
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      Popular p = { sqlite3_column_int64 (stmt, 0), g_strdup ((const char *) sqlite3_column_text (stmt, 1)) };
      g_array_append_val (self->popular, p);
    }
  return self->popular;
}

/* The most bought products, first those in the categories this customer buys from, and
 * never what they already have. */
static const char *
popular_products (SdTurn *t, guint n, GArray *ids)
{
  GArray *popular = ensure_popular (t->self);
  g_autoptr(GHashTable) owned = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (t->session->customer_id)
    {
      g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
          "SELECT DISTINCT l.product_id, p.category FROM orders o "
          "JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
          "WHERE o.customer_id = ?1", NULL);
      if (stmt)
        sqlite3_bind_int64 (stmt, 1, t->session->customer_id);
      while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_hash_table_add (owned, g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)));
          if (sqlite3_column_text (stmt, 1))
            g_hash_table_add (categories, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
        }
    }
  for (int pass = g_hash_table_size (categories) ? 0 : 1; pass < 2 && ids->len < n; pass++)
    for (guint i = 0; i < popular->len && ids->len < n; i++)
      {
        Popular *p = &g_array_index (popular, Popular, i);
        gboolean mine = p->category && g_hash_table_contains (categories, p->category);
        if (g_hash_table_contains (owned, &p->id) || (pass == 0 && !mine) || (pass == 1 && mine))
          continue;
        g_array_append_val (ids, p->id);
      }
  return g_hash_table_size (categories) ? "popularity in the customer's categories" : "popularity";
}

/* The live recommender (recommendations), else the newest recommender trained in the shop
 * (the Training page stores them), bound to the shop's interactions as they are now;
 * loaded once, at the first request. */
static gboolean
ensure_stored_recommender (SdDialogue *self)
{
  g_autoptr(GError) error = NULL;
  SdInteractionWeights weights;

  if (self->rec_tried)
    return self->rec_model != NULL;
  self->rec_tried = TRUE;
  sd_interactions_weights_default (&weights);
  self->rec_train = sd_interactions_from_store (self->store, &weights, NULL, &error);
  if (self->rec_train)
    self->rec_model = sd_model_store_load_live_or_newest (self->store, SD_MODEL_PURPOSE_RECOMMENDATIONS,
                                                          self->rec_train, &self->rec_model_id, &error);
  if (self->rec_model == NULL)
    {
      if (!g_error_matches (error, SD_ERROR, SD_ERROR_NOT_FOUND))
        g_debug ("Chatbot: no stored recommender used: %s", error ? error->message : "?");
      g_clear_pointer (&self->rec_train, sd_interactions_unref);
      return FALSE;
    }
  return TRUE;
}

static char *
stored_recommendations (SdTurn *t, guint n, GArray *ids)
{
  SdDialogue *self = t->self;
  if (t->session->customer_id == 0 || !ensure_stored_recommender (self))
    return NULL;
  int user = sd_interactions_user_index (self->rec_train, t->session->customer_id);
  if (user < 0)
    return NULL;   /* a customer the model has not seen: popularity does better */
  g_autoptr(GArray) top = sd_recommender_recommend (self->rec_model, user, n, NULL);
  for (guint i = 0; top && i < top->len; i++)
    {
      guint item = g_array_index (top, SdScoredItem, i).item;
      gint64 id = self->rec_train->item_ids[item];
      g_array_append_val (ids, id);
    }
  return g_strdup_printf ("%s (models.id=%" G_GINT64_FORMAT ")",
                          sd_recommender_get_name (self->rec_model), self->rec_model_id);
}

void
sd_turn_handle_recommendation (SdTurn *t)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *stored = NULL;
  const char *source = NULL;
  if (t->self->recommend)
    source = t->self->recommend (t->session->customer_id, 3, ids, t->self->recommend_data);
  if (ids->len == 0 && (stored = stored_recommendations (t, 3, ids)))
    source = stored;
  if (ids->len == 0)
    source = popular_products (t, 3, ids);
  sd_turn_data_row (t, "recommender: %s", source ? source : "?");

  g_autoptr(GString) list = g_string_new (NULL);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store, PRODUCT_COLUMNS "WHERE p.id = ?1", NULL);
      if (stmt == NULL)
        break;
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      sqlite3_bind_text (stmt, 3, t->lang, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        sd_turn_append_product (t, list, stmt, FALSE);
    }
  if (list->len == 0)
    {
      sd_turn_reply (t, "product_search.none", SD_TURN_ANSWER);
      return;
    }
  sd_turn_var (t, "products", list->str);
  sd_turn_reply (t, "recommendation_request", SD_TURN_ANSWER);
}

/* --- coupons --------------------------------------------------------------------------- */

static gboolean
ensure_coupons (SdDialogue *self)
{
  if (self->coupons_tried)
    return self->coupons != NULL;
  self->coupons_tried = TRUE;
  g_autoptr(GError) error = NULL;
  self->facts = sd_customer_facts_load (self->store, NULL, &error);
  if (self->facts == NULL)
    {
      g_debug ("Chatbot: no customer facts for coupons: %s", error->message);
      return FALSE;
    }
  self->coupons = sd_coupon_engine_new (self->facts);
  /* The inspector says why a coupon applies in the shop's money: "cart >= £50.00" */
  g_autofree char *currency = sd_store_get_setting (self->store, "shop.currency");
  sd_coupon_engine_set_currency (self->coupons, currency && *currency ? currency : NULL);
  if (!sd_coupon_engine_load_rules (self->coupons, self->store, &error))
    {
      g_debug ("Chatbot: no coupon rules: %s", error->message);
      sd_dialogue_drop_coupons (self);
      self->coupons_tried = TRUE;
      return FALSE;
    }
  return TRUE;
}

void
sd_turn_handle_coupons (SdTurn *t)
{
  SdDialogue *self = t->self;
  if (!ensure_coupons (self))
    {
      sd_turn_data_row (t, "coupons: the coupon engine could not load");
      sd_turn_reply (t, "sys.no_coupon_engine", SD_TURN_ANSWER);
      return;
    }
  if (sd_coupon_engine_get_n_rules (self->coupons) == 0)
    {
      sd_turn_data_row (t, "coupon_rules: none");
      sd_turn_var (t, "coupons", L (t, "There are no coupons or promotions running at the moment.",
                                    "目前没有进行中的优惠券或促销活动。"));
      sd_turn_reply (t, "coupons_discounts", SD_TURN_ANSWER);
      return;
    }
  if (t->session->customer_id == 0)
    {
      sd_turn_var (t, "coupons", L (t, "Sign in and I can tell you which coupons you qualify for.",
                                    "登录后我可以告诉您能使用哪些优惠券。"));
      sd_turn_reply (t, "coupons_discounts", SD_TURN_ANSWER);
      return;
    }
  int index = sd_customer_facts_find (self->facts, t->session->customer_id);
  g_autoptr(GPtrArray) apps = index >= 0 ? sd_coupon_engine_apply (self->coupons, index, NULL) : NULL;
  g_autoptr(GString) list = g_string_new (NULL);
  for (guint i = 0; apps && i < apps->len; i++)
    {
      SdCouponApplication *a = apps->pdata[i];
      g_autofree char *off = sd_turn_money (t, a->discount_cents);
      if (list->len)
        g_string_append (list, L (t, "; ", "；"));
      if (a->free_shipping)
        g_string_append_printf (list, L (t, "%s (free shipping)", "%s（包邮）"), a->rule->name);
      else
        g_string_append_printf (list, L (t, "%s (%s off your usual basket)", "%s（常购商品可省%s）"),
                                a->rule->name, off);
      sd_turn_data_row (t, "coupon_rules.id=%" G_GINT64_FORMAT ": %s", a->rule->id, a->reason);
    }
  if (list->len == 0)
    sd_turn_var (t, "coupons", L (t, "There are no coupons for you right now.",
                                  "您目前没有可用的优惠券。"));
  else
    {
      g_autofree char *text = g_strdup_printf (L (t, "Coupons you can use: %s.", "您可以使用的优惠券：%s。"),
                                               list->str);
      sd_turn_var (t, "coupons", text);
    }
  sd_turn_reply (t, "coupons_discounts", SD_TURN_ANSWER);
}
