/* sd-llm-reply.c — one turn's generated reply: prompt, model, guardrails, verdict */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-llm-reply.h"

void
sd_llm_shop_context_free (SdLlmShopContext *c)
{
  if (c == NULL)
    return;
  g_free (c->tone);
  g_strfreev (c->products);
  g_free (c);
}

SdLlmShopContext *
sd_llm_shop_context_load (SdStore  *store,
                          GError  **error)
{
  g_autoptr(SdLlmShopContext) c = g_new0 (SdLlmShopContext, 1);
  g_autofree char *share = sd_store_get_setting (store, "chat.llm.share_identity");
  g_autoptr(GStrvBuilder) titles = g_strv_builder_new ();
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT title FROM products WHERE title IS NOT NULL "
      "UNION SELECT title FROM product_texts WHERE title IS NOT NULL", error);

  if (stmt == NULL)
    return NULL;
  c->tone = sd_store_get_setting (store, "chat.tone");
  c->share_identity = g_strcmp0 (share, "1") == 0 || g_strcmp0 (share, "true") == 0;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (titles, (const char *) sqlite3_column_text (stmt, 0));
  c->products = g_strv_builder_end (titles);
  return g_steal_pointer (&c);
}

gboolean
sd_llm_reply_wanted (const SdTurnTrace *trace)
{
  return trace && trace->reply && trace->action != SD_TURN_REFUSE && trace->action != SD_TURN_UNSAFE;
}

const char *
sd_llm_reply_status_text (const SdTurnGeneration *g)
{
  if (g == NULL || g->used)
    return NULL;
  if (g_strcmp0 (g->status, "ok") == 0)
    return _("generated reply rejected — answered from templates");
  if (g_strcmp0 (g->status, "cancelled") == 0)
    return _("generation stopped — answered from templates");
  if (g_strcmp0 (g->status, "timeout") == 0)
    return _("language model too slow — answered from templates");
  return _("language model unreachable — answered from templates");
}

/* Reasoning models (Qwen3, DeepSeek-R1 under llama-server) may write their thinking in
 * <think>…</think> before the answer: it is not the reply, and not for the customer. */
static char *
without_reasoning (const char *text)
{
  static GRegex *think;

  if (g_once_init_enter (&think))
    g_once_init_leave (&think, g_regex_new ("<think>.*?(?:</think>|$)", G_REGEX_DOTALL | G_REGEX_OPTIMIZE, 0, NULL));
  return g_regex_replace_literal (think, text, -1, 0, "", 0, NULL);
}

SdTurnGeneration *
sd_llm_reply_generate (SdLlmClient            *client,
                       const SdLlmShopContext *shop,
                       const char             *customer_name,
                       const SdTurnTrace      *trace,
                       SdLlmTokenFunc          on_token,
                       gpointer                user_data,
                       GCancellable           *cancellable)
{
  SdGroundingOptions options = {
    shop ? shop->tone : NULL, shop ? shop->share_identity : FALSE, customer_name
  };
  g_autoptr(SdGrounding) grounding = sd_grounding_new (trace, &options);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdLlmCompletion) completion = NULL;
  SdTurnGeneration *g = g_new0 (SdTurnGeneration, 1);
  gint64 start = g_get_monotonic_time ();

  g->template_reply = g_strdup (trace->reply);
  completion = sd_llm_client_complete (client, grounding->system_prompt, grounding->user_prompt,
                                       on_token, user_data, cancellable, &error);
  g->status = g_strdup (sd_llm_error_to_status (error));
  if (completion == NULL)
    {
      g->latency_ms = (g_get_monotonic_time () - start) / 1000;
      g->rejected_reason = g_strdup (g->status);
      g->rejected_detail = g_strdup (error->message);
      return g;
    }
  g->latency_ms = completion->latency_ms;
  g->tokens = completion->tokens;
  {
    g_autofree char *said = without_reasoning (completion->text);
    g->text = sd_grounding_restore (grounding, g_strstrip (said));
  }

  {
    g_autoptr(GPtrArray) facts = g_ptr_array_new ();
    SdGuardrailVerdict verdict = { 0 };
    SdGuardrailInput input = {
      .lang = trace->lang,
      .facts = NULL,
      .template_reply = trace->reply,
      .customer_text = trace->text,
      .products = shop ? (const char *const *) shop->products : NULL,
    };
    /* the real values (not placeholders), of this turn only */
    for (guint i = 0; trace->fact_names && trace->fact_names[i]; i++)
      if (sd_grounding_fact_used (trace, i))
        g_ptr_array_add (facts, trace->fact_values[i]);
    g_ptr_array_add (facts, NULL);
    input.facts = (const char *const *) facts->pdata;
    if (sd_guardrails_check (&input, g->text, &verdict))
      g->used = TRUE;
    else
      {
        g->rejected_reason = g_strdup (sd_guardrail_check_to_string (verdict.check));
        g->rejected_detail = g_strdup_printf ("%s: %s", sd_guardrail_check_label (verdict.check), verdict.detail);
      }
    sd_guardrail_verdict_clear (&verdict);
  }
  return g;
}
