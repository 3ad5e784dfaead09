/* sd-order-lines.c — one order with its lines */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-error.h"
#include "sd-order-lines.h"
#include "sd-product-text.h"
#include "sd-queries-private.h"
#include "sd-shop-summary.h"

static void
order_line_free (SdOrderLine *line)
{
  g_free (line->external_id);
  g_free (line->title);
  g_free (line->kind);
  g_free (line);
}

void
sd_order_detail_free (SdOrderDetail *detail)
{
  if (detail == NULL)
    return;
  g_free (detail->external_id);
  g_free (detail->customer_external_id);
  g_free (detail->customer_name);
  g_free (detail->status);
  g_free (detail->currency);
  g_free (detail->country);
  g_clear_pointer (&detail->lines, g_ptr_array_unref);
  g_free (detail);
}

SdOrderDetail *
sd_order_detail_load (SdStore  *store,
                      gint64    order_id,
                      GError  **error)
{
  g_autoptr(SdOrderDetail) detail = g_new0 (SdOrderDetail, 1);
  g_autoptr(SdStmt) order = NULL;
  g_autoptr(SdStmt) lines = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  if (!(order = sd_store_prepare (store,
                                  "SELECT o.external_id, o.customer_id, c.external_id, c.name, o.placed_at,"
                                  "       o.status, upper(trim(o.currency)), o.country, o.total_cents,"
                                  "       o.discount_cents, o.shipping_cents, o.tax_cents"
                                  " FROM orders o LEFT JOIN customers c ON c.id = o.customer_id"
                                  " WHERE o.id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (order, 1, order_id);
  if ((rc = sqlite3_step (order)) == SQLITE_DONE)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("There is no order %ld in this shop"),
                   (long) order_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      sd_store_fail (store, _("Could not read the order"), error);
      return NULL;
    }
  detail->id = order_id;
  detail->external_id = sd_query_column_text (order, 0);
  detail->customer_id = sqlite3_column_int64 (order, 1);
  detail->customer_external_id = sd_query_column_text (order, 2);
  detail->customer_name = sd_query_column_text (order, 3);
  detail->placed_at = sqlite3_column_int64 (order, 4);
  detail->status = sd_query_column_text (order, 5);
  detail->currency = sd_query_column_text (order, 6);
  detail->country = sd_query_column_text (order, 7);
  detail->total_cents = sqlite3_column_int64 (order, 8);
  detail->discount_cents = sqlite3_column_int64 (order, 9);
  detail->shipping_cents = sqlite3_column_int64 (order, 10);
  detail->tax_cents = sqlite3_column_int64 (order, 11);
  sd_stmt_release (g_steal_pointer (&order));
  /* An order that names no currency is in the shop's. */
  if (detail->currency == NULL && (detail->currency = sd_shop_currency (store)))
    {
      char *up = g_ascii_strup (detail->currency, -1);
      g_free (detail->currency);
      detail->currency = up;
    }

  if (!(lines = sd_store_prepare (store,
                                  "SELECT l.line_no, l.product_id, p.external_id, " SD_PRODUCT_TITLE ("p") ","
                                  "       coalesce(p.kind, 'merchandise'), l.quantity, l.unit_price_cents"
                                  " FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
                                  " WHERE l.order_id = ?1 ORDER BY l.line_no", error)))
    return NULL;
  sqlite3_bind_int64 (lines, 1, order_id);
  sd_product_text_bind (lines);
  detail->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) order_line_free);
  while ((rc = sqlite3_step (lines)) == SQLITE_ROW)
    {
      SdOrderLine *line = g_new0 (SdOrderLine, 1);

      line->line_no = sqlite3_column_int64 (lines, 0);
      line->product_id = sqlite3_column_int64 (lines, 1);
      line->external_id = sd_query_column_text (lines, 2);
      line->title = sd_query_column_text (lines, 3);
      line->kind = sd_query_column_text (lines, 4);
      line->quantity = sqlite3_column_int64 (lines, 5);
      line->unit_price_cents = sqlite3_column_int64 (lines, 6);
      line->amount_cents = line->quantity * line->unit_price_cents;
      detail->lines_cents += line->amount_cents;
      g_ptr_array_add (detail->lines, line);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the order"), error);
      return NULL;
    }
  return g_steal_pointer (&detail);
}
