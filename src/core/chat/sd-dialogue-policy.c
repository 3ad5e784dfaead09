/* sd-dialogue-policy.c — the shop's policies: shipping, returns, opening hours, and where a
 * policy is not written */
#include "config.h"

#include "sd-dialogue-private.h"

/* A question about a policy the shop has not written down: the bot does not guess (a 30-day
 * return policy nobody wrote is a promise the shop never made); it offers a person. */
void
sd_turn_policy_not_set (SdTurn *t, const char *key, const char *topic_en, const char *topic_zh)
{
  sd_turn_var (t, "topic", L (t, topic_en, topic_zh));
  /* the setting to fill in, named as a quoted one is (shop_setting), not English prose
   * in a Chinese inspector */
  sd_turn_data_row (t, "settings.%s.%s: not set", key, t->lang);
  t->session->handoff_offered = t->answer_offers = TRUE;
  sd_turn_reply (t, "sys.no_policy", SD_TURN_HANDOFF);
}

/* Answers with template @template_key filled with the shop's policy @key, or says that
 * the shop has not set it (policy_not_set()). */
void
sd_turn_quote_policy (SdTurn *t, const char *key, const char *topic_en, const char *topic_zh, const char *template_key)
{
  g_autofree char *policy = sd_turn_shop_setting (t, key);
  if (policy == NULL)
    {
      sd_turn_policy_not_set (t, key, topic_en, topic_zh);
      return;
    }
  sd_turn_var (t, "policy", policy);
  sd_turn_reply (t, template_key, SD_TURN_ANSWER);
}

/* Whether the shop's staff wrote @key's template: the shop's own words, which the dialogue
 * does not second-guess. */
gboolean
sd_turn_template_by_staff (SdTurn *t, const char *key)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      "SELECT 1 FROM chat_templates WHERE intent = ?1 AND lang IN (?2, 'en') AND source = 'staff'", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, t->lang, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* A place a message may name, as a string vector: the phrase (case-folded) that stands for
 * a shipping region, the region's id, and the place as the answer shows it. */
enum { PLACE_PHRASE, PLACE_REGION, PLACE_SHOWN };

static void
add_place (GPtrArray *places, const char *phrase, const char *region, const char *shown)
{
  char **place = g_new0 (char *, 4);
  place[PLACE_PHRASE] = g_utf8_casefold (phrase, -1);
  place[PLACE_REGION] = g_strdup (region);
  place[PLACE_SHOWN] = g_strdup (shown);
  g_ptr_array_add (places, place);
}

/* Whether @phrase (case-folded) is in @folded, as whole words when it is Latin. */
static gboolean
says_place (const char *folded, const char *phrase)
{
  gsize n = strlen (phrase);
  for (const char *p = strstr (folded, phrase); p; p = strstr (p + 1, phrase))
    {
      if (!g_ascii_isalpha (phrase[0]) ||
          ((p == folded || !g_ascii_isalnum (p[-1])) && !g_ascii_isalnum (p[n])))
        return TRUE;
    }
  return FALSE;
}

/* The shop's shipping regions (shipping.regions, shipping.R.name.LANG) and the countries it
 * puts in them (shipping.country_regions), with the names customers use for a few. */
static GPtrArray *
shipping_places (SdTurn *t)
{
  static const struct { const char *alias, *name; } aliases[] = {
    { "uk", "United Kingdom" }, { "britain", "United Kingdom" }, { "england", "United Kingdom" },
    { "scotland", "United Kingdom" }, { "wales", "United Kingdom" }, { "英国", "United Kingdom" },
    { "usa", "United States" }, { "america", "United States" }, { "the states", "United States" },
    { "美国", "United States" }, { "中国", "China" }, { "德国", "Germany" }, { "法国", "France" },
    { "荷兰", "Netherlands" }, { "爱尔兰", "Ireland" }, { "西班牙", "Spain" }, { "意大利", "Italy" },
    { "澳大利亚", "Australia" }, { "澳洲", "Australia" }, { "加拿大", "Canada" },
    { "新加坡", "Singapore" }, { "欧洲", "Europe" }, { "eu", "Europe" },
  };
  GPtrArray *places = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *list = sd_store_get_setting (t->self->store, "shipping.regions");
  g_autofree char *countries = sd_store_get_setting (t->self->store, "shipping.country_regions");
  g_autoptr(SdJsonNode) map = countries ? sd_json_parse (countries, -1, "shipping.country_regions", NULL) : NULL;
  g_auto(GStrv) ids = g_strsplit (list ? list : "", ",", -1);

  for (guint i = 0; ids[i]; i++)
    {
      const char *id = g_strstrip (ids[i]);
      g_autofree char *en_key = g_strdup_printf ("shipping.%s.name.en", id);
      g_autofree char *zh_key = g_strdup_printf ("shipping.%s.name.zh_CN", id);
      g_autofree char *en = sd_store_get_setting (t->self->store, en_key);
      g_autofree char *zh_name = sd_store_get_setting (t->self->store, zh_key);
      const char *shown = sd_turn_zh (t) && zh_name && *zh_name ? zh_name : en;
      if (*id == '\0' || shown == NULL || *shown == '\0')
        continue;
      if (en && *en)
        add_place (places, en, id, shown);
      if (zh_name && *zh_name)
        add_place (places, zh_name, id, shown);
    }
  for (guint i = 0; map && sd_json_node_get_node_type (map) == SD_JSON_OBJECT && i < sd_json_node_get_length (map); i++)
    {
      const char *country = sd_json_node_get_member_name (map, i);
      const char *region = sd_json_node_get_string (sd_json_node_get_element (map, i));
      if (country && region)
        add_place (places, country, region, country);
    }
  /* what people call them, where the shop has them by their full names */
  for (guint a = 0; a < G_N_ELEMENTS (aliases); a++)
    {
      g_autofree char *name = g_utf8_casefold (aliases[a].name, -1);
      for (guint i = 0; i < places->len; i++)
        {
          char **p = places->pdata[i];
          if (strcmp (p[PLACE_PHRASE], name) == 0)
            {
              g_autofree char *region = g_strdup (p[PLACE_REGION]);
              g_autofree char *shown = g_strdup (g_ascii_isalpha (aliases[a].alias[0]) ? p[PLACE_SHOWN] : aliases[a].alias);
              add_place (places, aliases[a].alias, region, shown);
              break;
            }
        }
    }
  return places;
}

static GRegex *
us_regex (void)
{
  static GRegex *regex;
  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("\\bU\\.?S\\b\\.?", G_REGEX_OPTIMIZE, 0, NULL));
  return regex;
}

/* "3-5 days", "1 day" */
static void
append_days (SdTurn *t, GString *out, const char *days)
{
  if (sd_turn_zh (t))
    g_string_append_printf (out, "需要 %s 天", days);
  else
    g_string_append_printf (out, strcmp (days, "1") == 0 ? " takes %s day" : " takes %s days", days);
}

/* "How much is delivery to China?": where the message names a place the shop has shipping
 * settings for, what the settings say of its region alone (shipping.R.days, cost_cents,
 * free_over_cents, express_days, express_cost_cents), not the whole shipping policy; NULL
 * when it names none or its region has no figures. */
static char *
shipping_region_answer (SdTurn *t)
{
  g_autoptr(GPtrArray) places = shipping_places (t);
  /* "US" in capitals is the country, "us" the customer */
  g_autofree char *said = g_regex_replace_literal (us_regex (), t->trace->text, -1, 0, "USA", 0, NULL);
  g_autofree char *folded = g_utf8_casefold (said ? said : t->trace->text, -1);
  char **named = NULL;

  /* the longest name said: "Northern Ireland" rather than "Ireland" */
  for (guint i = 0; i < places->len; i++)
    {
      char **p = places->pdata[i];
      if (says_place (folded, p[PLACE_PHRASE]) &&
          (named == NULL || strlen (p[PLACE_PHRASE]) > strlen (named[PLACE_PHRASE])))
        named = p;
    }
  if (named == NULL)
    return NULL;

  static const char *const fields[] = { "days", "cost_cents", "free_over_cents", "express_days", "express_cost_cents" };
  char *value[G_N_ELEMENTS (fields)];
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *key = g_strdup_printf ("shipping.%s.%s", named[PLACE_REGION], fields[i]);
      value[i] = sd_store_get_setting (t->self->store, key);
      if (value[i] && *value[i] == '\0')
        g_clear_pointer (&value[i], g_free);
      if (value[i])
        sd_turn_data_row (t, "settings.%s", key);
    }
  g_autoptr(GString) out = g_string_new (NULL);
  if (value[0] || value[1])
    {
      /* a country is shown with its region's name ("Germany (Europe)") */
      g_autofree char *name_key = g_strdup_printf ("shipping.%s.name", named[PLACE_REGION]);
      g_autofree char *region_name = sd_turn_shop_setting (t, name_key);
      /* "the United Kingdom", "the Netherlands" */
      g_string_append_printf (out, L (t, "Delivery to %s%s", "配送到%s%s"),
                              !sd_turn_zh (t) && (g_str_has_prefix (named[PLACE_SHOWN], "United ") ||
                                          strcmp (named[PLACE_SHOWN], "Netherlands") == 0) ? "the " : "",
                              named[PLACE_SHOWN]);
      if (region_name && *region_name && strcmp (region_name, named[PLACE_SHOWN]) != 0)
        g_string_append_printf (out, L (t, " (%s)", "（%s）"), region_name);
      if (value[0])
        append_days (t, out, value[0]);
      if (value[1])
        {
          g_autofree char *cost = sd_turn_money (t, g_ascii_strtoll (value[1], NULL, 10));
          g_string_append_printf (out, value[0] ? L (t, " and costs %s", "，运费 %s") : L (t, " costs %s", "运费 %s"), cost);
        }
      if (value[2])
        {
          g_autofree char *over = sd_turn_money (t, g_ascii_strtoll (value[2], NULL, 10));
          g_string_append_printf (out, L (t, ", free over %s", "，满 %s 包邮"), over);
        }
      g_string_append (out, L (t, ".", "。"));
      if (value[3] || value[4])
        {
          g_string_append (out, L (t, " Express delivery", "加急配送"));
          if (value[3])
            append_days (t, out, value[3]);
          if (value[4])
            {
              g_autofree char *cost = sd_turn_money (t, g_ascii_strtoll (value[4], NULL, 10));
              g_string_append_printf (out, value[3] ? L (t, " and costs %s", "，运费 %s") : L (t, " costs %s", "运费 %s"), cost);
            }
          g_string_append (out, L (t, ".", "。"));
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_free (value[i]);
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

void
sd_turn_handle_policy (SdTurn *t, const char *intent)
{
  g_autofree char *policy = NULL;
  if (strcmp (intent, "return_refund") == 0)
    {
      g_autofree char *days = sd_store_get_setting (t->self->store, "policy.returns.days");
      policy = sd_turn_shop_setting (t, "policy.returns");
      /* for staff templates that quote the number on its own */
      sd_turn_var (t, "return_days", days ? days : "");
      if (policy == NULL)
        {
          sd_turn_policy_not_set (t, "policy.returns", "returns policy", "退货政策");
          return;
        }
    }
  else if (strcmp (intent, "warranty") == 0)
    {
      if (!(policy = sd_turn_shop_setting (t, "policy.warranty")))
        {
          sd_turn_policy_not_set (t, "policy.warranty", "warranty terms", "保修条款");
          return;
        }
    }
  else if ((policy = shipping_region_answer (t)))
    ;
  else if (!(policy = sd_turn_shop_setting (t, "policy.shipping")))
    {
      sd_turn_policy_not_set (t, "policy.shipping", "delivery times and costs", "配送时间和运费");
      return;
    }
  sd_turn_var (t, "policy", policy);
  sd_turn_reply (t, intent, SD_TURN_ANSWER);
}
