/* sd-order-lines.h — one order as the Data page opens it: its lines, status, date, total */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64  line_no;
  gint64  product_id;          /* 0: the line's product was deleted */
  char   *external_id;         /* the product's; NULL without one */
  char   *title;               /* in the chosen language (sd-product-text.h); NULL without */
  char   *kind;                /* merchandise, shipping, fee, adjustment, gift-card */
  gint64  quantity;            /* negative on a cancellation or a return */
  gint64  unit_price_cents;
  gint64  amount_cents;        /* quantity × unit price */
} SdOrderLine;

typedef struct {
  gint64     id;
  char      *external_id;
  gint64     customer_id;        /* 0 without a customer */
  char      *customer_external_id;
  char      *customer_name;
  gint64     placed_at;          /* unix seconds */
  char      *status;             /* paid, shipped, delivered, cancelled, refunded, pending */
  /* The order's own currency, else the shop's (sd_shop_currency); NULL when neither. */
  char      *currency;
  char      *country;
  gint64     lines_cents;        /* the lines summed */
  gint64     discount_cents, shipping_cents, tax_cents;
  gint64     total_cents;        /* what the export says was charged */
  GPtrArray *lines;              /* SdOrderLine, in line order */
} SdOrderDetail;

/* The order with store id @order_id; SD_ERROR_NOT_FOUND when there is none. An index
 * lookup: fine on the main thread, though the Data page asks it from a thread. */
SdOrderDetail *sd_order_detail_load (SdStore        *store,
                                     gint64          order_id,
                                     GError        **error);
void           sd_order_detail_free (SdOrderDetail  *detail);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdOrderDetail, sd_order_detail_free)

G_END_DECLS
