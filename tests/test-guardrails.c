/* test-guardrails.c — the checks on generated replies, on hand-written good and bad replies
 *
 * The faithful replies are paraphrases a person might write from the same facts; the bad
 * ones each add one thing the facts do not say. The false-rejection rate on the faithful
 * ones is printed and held under 10 %.
 */
#include <locale.h>
#include <string.h>

#include "sd-guardrails.h"
#include "sd-number-format.h"

typedef struct {
  const char        *lang;
  const char *const  facts[6];
  const char        *template_reply;
  const char        *customer;
} Scene;

static const char *const catalogue[] = {
  "Ceramic Coffee Mug", "Ceramic Tea Cup", "Lavender Candle", "Walnut Serving Board", "Linen Tea Towel",
  "陶瓷咖啡杯", "陶瓷茶杯", "薰衣草香薰蜡烛", "胡桃木餐板", NULL
};

static const Scene order_en = {
  "en",
  { "SD-100234", "shipped", "2026-03-03", "2 × Ceramic Coffee Mug, 1 × Lavender Candle",
    "Shipped orders arrive within 3–5 working days.", NULL },
  "Order SD-100234 is shipped (placed 2026-03-03). It contains: 2 × Ceramic Coffee Mug, 1 × Lavender Candle. "
  "Shipped orders arrive within 3–5 working days.",
  "where is my order SD-100234?"
};

static const Scene returns_en = {
  "en",
  { "You can return any item within 30 days of delivery for a full refund to your original payment method. "
    "Returns are free with the prepaid label.", "30", NULL },
  "You can return any item within 30 days of delivery for a full refund to your original payment method. "
  "Returns are free with the prepaid label.",
  "Can I return my mug?"
};

static const Scene coupons_en = {
  "en",
  { "Coupons you can use: Spring Sale 10% (£4.50 off your usual basket); Free Shipping Over £50 (free shipping).", NULL },
  "Here are your offers. Coupons you can use: Spring Sale 10% (£4.50 off your usual basket); "
  "Free Shipping Over £50 (free shipping).",
  "any coupons for me?"
};

static const Scene products_en = {
  "en",
  { "Ceramic Coffee Mug (£12.99, in stock); Ceramic Tea Cup (£9.50, out of stock)", NULL },
  "Here is what I found: Ceramic Coffee Mug (£12.99, in stock); Ceramic Tea Cup (£9.50, out of stock).",
  "do you have ceramic mugs?"
};

static const Scene greeting_en = {
  "en",
  { ", Alice", NULL },
  "Hello, Alice! I can check your orders, find products, and answer questions about returns, shipping and coupons. "
  "How can I help?",
  "hi"
};

static const Scene payment_en = {
  "en",
  { NULL },
  "Sorry about the payment trouble. We accept cards, PayPal, Alipay and WeChat Pay. If you were charged twice, the "
  "duplicate is released by your bank within 5 working days; otherwise a person can check it for you.",
  "I was charged twice"
};

static const Scene hours_en = {
  "en",
  { "Our team answers Monday to Friday, 9:00–17:30.", "UK delivery takes 2–3 working days and costs £3.95; free over £50.", NULL },
  "Our team answers Monday to Friday, 9:00–17:30. UK delivery takes 2–3 working days and costs £3.95; free over £50.",
  "when are you open and how much is delivery?"
};

static const Scene order_zh = {
  "zh_CN",
  { "SD-100234", "已发货", "2026-03-03", "2 × 陶瓷咖啡杯、1 × 薰衣草香薰蜡烛", "已发货的订单通常3-5个工作日送达。", NULL },
  "订单 SD-100234 当前状态：已发货（下单时间 2026-03-03）。商品：2 × 陶瓷咖啡杯、1 × 薰衣草香薰蜡烛。已发货的订单通常3-5个工作日送达。",
  "我的订单SD-100234到哪了？"
};

static const Scene returns_zh = {
  "zh_CN",
  { "收到商品后30天内可以申请退货，退款会原路退回。使用预付标签退货免费。", "30", NULL },
  "收到商品后30天内可以申请退货，退款会原路退回。使用预付标签退货免费。",
  "杯子可以退吗？"
};

static const Scene coupons_zh = {
  "zh_CN",
  { "您可以使用的优惠券：春季特惠9折（常购商品可省¥4.50）；满50包邮（包邮）。", NULL },
  "为您查到的优惠：您可以使用的优惠券：春季特惠9折（常购商品可省¥4.50）；满50包邮（包邮）。",
  "有优惠券吗"
};

static const Scene products_zh = {
  "zh_CN",
  { "陶瓷咖啡杯（¥89.00，有货）；陶瓷茶杯（¥59.00，暂时缺货）", NULL },
  "为您找到：陶瓷咖啡杯（¥89.00，有货）；陶瓷茶杯（¥59.00，暂时缺货）。",
  "有陶瓷杯吗"
};

static const Scene greeting_zh = {
  "zh_CN",
  { "，Alice", NULL },
  "您好，Alice！我可以帮您查订单、找商品，解答退货、配送和优惠券的问题。请问有什么可以帮您？",
  "你好"
};

typedef struct {
  const Scene      *scene;
  const char       *reply;
  SdGuardrailCheck  expect;
} Case;

/* Faithful paraphrases, written as a person would from the facts alone. */
static const Case faithful[] = {
  { &order_en, "Good news: your order SD-100234 has shipped! It was placed on 3 March and contains two Ceramic Coffee Mugs "
               "and one Lavender Candle. It should arrive within 3 to 5 working days." },
  { &order_en, "Your order #100234 is on its way. You ordered 2 mugs and a candle on March 3rd; expect it in 3–5 working days." },
  { &order_en, "Order SD-100234 shipped. Placed 2026-03-03. Items: 2 × Ceramic Coffee Mug, 1 × Lavender Candle. "
               "Delivery takes 3-5 working days." },
  { &order_en, "Thanks for waiting! Order SD-100234 (from 3 Mar 2026) has shipped and usually arrives within five working days at most." },
  { &order_en, "Hi! SD-100234 has been shipped. Inside: two coffee mugs and one lavender candle. It should reach you in 3 to 5 working days." },
  { &order_en, "Your order from March 3, 2026 (SD-100234) has shipped; please allow 3-5 working days for it to arrive." },
  { &order_en, "I checked order SD-100234: it's shipped. It includes the Ceramic Coffee Mug (x2) and the Lavender Candle." },
  { &order_en, "Order SD-100234 has left us and is shipped. You'll have it within 3–5 working days." },
  { &order_en, "Yes — SD-100234 is shipped! 2 Ceramic Coffee Mugs + 1 Lavender Candle, ordered 03/03/2026." },
  { &order_en, "Order SD-100234 is shipped and on its way to you; it was placed on the 3rd of March." },
  { &returns_en, "Of course! You have 30 days from delivery to send it back, and you'll get a full refund to your original "
                 "payment method. The prepaid label makes returns free." },
  { &returns_en, "Yes, returns are accepted within thirty days of delivery, refunded to the card or account you paid with." },
  { &returns_en, "Sure — send the mug back within 30 days of delivery for a full refund; the prepaid label costs you nothing." },
  { &coupons_en, "You qualify for two offers: Spring Sale 10%, which saves about £4.50 on your usual basket, and free "
                 "shipping on orders over £50." },
  { &coupons_en, "Good news — with Spring Sale 10% you'd save £4.50, and Free Shipping Over £50 gives you free shipping." },
  { &products_en, "Yes! The Ceramic Coffee Mug is £12.99 and in stock. The Ceramic Tea Cup (£9.50) is sold out at the moment." },
  { &products_en, "We have the Ceramic Coffee Mug for £12.99, available now. The tea cup costs £9.50 but is out of stock." },
  { &products_en, "Sure, the coffee mug is in stock at 12.99 pounds." },
  { &products_en, "Yes, we do: Ceramic Coffee Mug, £12.99, in stock." },
  { &products_en, "I found the Ceramic Coffee Mug (£12.99) in stock, and the Ceramic Tea Cup at £9.50, currently unavailable." },
  { &greeting_en, "Hi Alice! I can help with your orders, products, returns, shipping and coupons. What do you need?" },
  { &hours_en, "We're here Monday to Friday from 9am to 5:30pm. Delivery in the UK takes 2 to 3 working days for £3.95, "
               "and it's free on orders over £50." },
  { &hours_en, "You can reach us weekdays, 9:00 to 17:30. UK delivery costs £3.95 (free delivery over £50) and takes 2–3 working days." },
  { &payment_en, "Sorry for the trouble! We take cards, PayPal, Alipay and WeChat Pay. A double charge is released by your "
                 "bank within five working days; if not, a person can look into it." },
  { &order_zh, "您好！您的订单SD-100234已经发货啦，是3月3日下的单，里面有两件陶瓷咖啡杯和一支薰衣草香薰蜡烛，预计3到5个工作日送达。" },
  { &order_zh, "订单SD-100234已发货，下单日期2026年3月3日。包含2件陶瓷咖啡杯、1件香薰蜡烛，通常三到五个工作日内送达。" },
  { &order_zh, "您的订单已经发出了，请耐心等待3-5个工作日。" },
  { &order_zh, "亲，SD-100234这单已经发货了哦～两个咖啡杯和一个蜡烛都在里面，3月3号下的单。" },
  { &order_zh, "订单#100234已发货，一般3~5个工作日可以收到。" },
  { &order_zh, "您三月三日下的订单SD-100234已经发货，两件陶瓷咖啡杯和一件薰衣草香薰蜡烛正在路上。" },
  { &returns_zh, "可以的，收货后三十天内都能退货，退款原路返回。" },
  { &returns_zh, "没问题，30天内可以退，用预付标签寄回不花钱，钱会原路退回给您。" },
  { &coupons_zh, "您可以用春季特惠9折，常买的商品能省4.50元；另外满50元还包邮哦。" },
  { &coupons_zh, "有两张优惠券可用：春季特惠9折和满50包邮。" },
  { &products_zh, "有的！陶瓷咖啡杯89元，现在有货；陶瓷茶杯59元，暂时缺货。" },
  { &products_zh, "陶瓷咖啡杯售价¥89，有现货。" },
  { &products_zh, "为您找到陶瓷咖啡杯（89元，有货）和陶瓷茶杯（59元，缺货中）。" },
  { &greeting_zh, "您好，Alice！我可以帮您查询订单、寻找商品，也能解答退货、配送和优惠券方面的问题，请问需要什么帮助？" },
};

/* Each adds one thing the facts do not say. */
static const Case unfaithful[] = {
  { &products_en, "The Ceramic Coffee Mug is £10.99 and in stock.", SD_GUARDRAIL_NUMBER },
  { &order_en, "Your order SD-100999 has shipped.", SD_GUARDRAIL_NUMBER },
  { &order_en, "Order #100999 has shipped.", SD_GUARDRAIL_NUMBER },
  { &order_en, "Order SD-100234 has shipped and will arrive on 10 March.", SD_GUARDRAIL_DATE },
  { &order_en, "Order SD-100234 was placed on 2026-03-05.", SD_GUARDRAIL_DATE },
  { &order_en, "You ordered six Ceramic Coffee Mugs in order SD-100234.", SD_GUARDRAIL_NUMBER },
  { &coupons_en, "Use Spring Sale for 25% off.", SD_GUARDRAIL_NUMBER },
  { &order_en, "Track it at https://track.example.com/SD-100234 any time.", SD_GUARDRAIL_CONTACT },
  { &order_en, "Write to orders@shop.example if it is late.", SD_GUARDRAIL_CONTACT },
  { &order_en, "Call us on +44 20 7946 0000 if it is late.", SD_GUARDRAIL_CONTACT },
  { &order_en, "Order SD-100234 has shipped with your Walnut Serving Board.", SD_GUARDRAIL_PRODUCT },
  { &order_en, "Your refund has been approved and order SD-100234 is shipped.", SD_GUARDRAIL_PROMISE },
  { &order_en, "We'll refund you for order SD-100234 right away.", SD_GUARDRAIL_PROMISE },
  { &products_en, "The Ceramic Coffee Mug is in stock, and we'll send it with free shipping.", SD_GUARDRAIL_PROMISE },
  { &products_en, "Use discount code WELCOME for the Ceramic Coffee Mug.", SD_GUARDRAIL_PROMISE },
  { &products_en, "Use SAVE20 at checkout for the Ceramic Coffee Mug.", SD_GUARDRAIL_NUMBER },
  { &hours_en, "We're here Monday to Friday from 9am to 6pm.", SD_GUARDRAIL_NUMBER },
  { &order_en, "Your order SD-100234 has shipped, and delivery was free of charge: free shipping on us.", SD_GUARDRAIL_PROMISE },
  { &order_en, "您的订单SD-100234已发货。", SD_GUARDRAIL_LANGUAGE },
  { &order_en, "", SD_GUARDRAIL_EMPTY },
  { &products_zh, "陶瓷咖啡杯售价¥79，有货。", SD_GUARDRAIL_NUMBER },
  { &order_zh, "您的订单SD-100234里有四件陶瓷咖啡杯。", SD_GUARDRAIL_NUMBER },
  { &order_zh, "订单SD-100234预计3月10日送达。", SD_GUARDRAIL_DATE },
  { &order_zh, "您的订单SD-200001已发货。", SD_GUARDRAIL_NUMBER },
  { &order_zh, "订单SD-100234已为您办理退款。", SD_GUARDRAIL_PROMISE },
  { &products_zh, "陶瓷咖啡杯有货，这单给您包邮。", SD_GUARDRAIL_PROMISE },
  { &products_zh, "陶瓷咖啡杯有货，下单时输入优惠码即可。", SD_GUARDRAIL_PROMISE },
  { &order_zh, "Your order SD-100234 has shipped and should arrive in 3-5 working days.", SD_GUARDRAIL_LANGUAGE },
  { &order_zh, "订单SD-100234已发货，胡桃木餐板也在里面。", SD_GUARDRAIL_PRODUCT },
  { &order_zh, "有问题请拨打400-820-8820联系我们。", SD_GUARDRAIL_CONTACT },
};

static gboolean
run (const Case *c, SdGuardrailVerdict *verdict)
{
  SdGuardrailInput input = {
    .lang = c->scene->lang,
    .facts = c->scene->facts,
    .template_reply = c->scene->template_reply,
    .customer_text = c->scene->customer,
    .products = catalogue,
  };
  return sd_guardrails_check (&input, c->reply, verdict);
}

static void
test_faithful (void)
{
  guint rejected = 0;

  for (guint i = 0; i < G_N_ELEMENTS (faithful); i++)
    {
      SdGuardrailVerdict v = { 0 };
      if (!run (&faithful[i], &v))
        {
          rejected++;
          g_test_message ("rejected a faithful reply (%s: %s): %s", sd_guardrail_check_to_string (v.check),
                          v.detail, faithful[i].reply);
        }
      sd_guardrail_verdict_clear (&v);
    }
  double rate = (double) rejected / G_N_ELEMENTS (faithful);
  g_test_message ("false rejections: %u of %u faithful paraphrases (%.1f %%)", rejected,
                  (guint) G_N_ELEMENTS (faithful), rate * 100);
  g_assert_cmpfloat (rate, <=, 0.10);
}

static void
test_unfaithful (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (unfaithful); i++)
    {
      SdGuardrailVerdict v = { 0 };
      gboolean ok = run (&unfaithful[i], &v);
      if (ok || v.check != unfaithful[i].expect)
        g_error ("“%s”: expected %s, got %s (%s)", unfaithful[i].reply,
                 sd_guardrail_check_to_string (unfaithful[i].expect), sd_guardrail_check_to_string (v.check),
                 v.detail ? v.detail : "");
      g_assert_nonnull (v.detail);
      sd_guardrail_verdict_clear (&v);
    }
}

static void
test_length (void)
{
  g_autoptr(GString) long_reply = g_string_new (NULL);
  SdGuardrailVerdict v = { 0 };
  Case c = { &order_en, NULL, 0 };

  while (long_reply->len < 3000)
    g_string_append (long_reply, "Your order SD-100234 has shipped. ");
  c.reply = long_reply->str;
  g_assert_false (run (&c, &v));
  g_assert_cmpint (v.check, ==, SD_GUARDRAIL_LENGTH);
  sd_guardrail_verdict_clear (&v);
  g_assert_cmpuint (sd_guardrails_max_chars (10), ==, 280);
  g_assert_cmpuint (sd_guardrails_max_chars (100000), ==, 1200);
}

static void
test_customer_words (void)
{
  /* the customer's own number may be repeated back, but asking for a refund grants none */
  static const Scene asked = {
    "en", { NULL }, "I can't find order SD-777777 on your account.", "I want a refund for SD-777777, call me on 07700 900123"
  };
  Case repeat = { &asked, "Order SD-777777 is not on your account; I can't call 07700 900123, but a person can help.", 0 };
  Case refund = { &asked, "Your refund for SD-777777 has been approved.", 0 };
  SdGuardrailVerdict v = { 0 };

  g_assert_true (run (&repeat, &v));
  sd_guardrail_verdict_clear (&v);
  g_assert_false (run (&refund, &v));
  g_assert_cmpint (v.check, ==, SD_GUARDRAIL_PROMISE);
  sd_guardrail_verdict_clear (&v);
}

/* Money in the facts is written as the user's locale writes it ("12,75 £" in German) and a
 * reply may write it as English does, or the other way round: the same amount either way,
 * a different one rejected. */
static void
test_money_forms (void)
{
  static const struct {
    const char *fact;
    const char *reply;
    gboolean    same;
  } cases[] = {
    { "12,75\u00a0£", "It costs £12.75.", TRUE },
    { "12,75\u00a0£", "It costs 12.75.", TRUE },
    { "12,75\u00a0£", "It costs 12,75 £.", TRUE },
    { "12,75\u00a0£", "It costs 12.75 GBP.", TRUE },
    { "12,75\u00a0£", "It costs £12.57.", FALSE },
    { "12,75\u00a0£", "It costs £75.", FALSE },
    { "12,75\u00a0£", "It costs £12.", FALSE },
    { "£12.75", "It costs 12,75 £.", TRUE },
    { "£12.75", "It costs 12,57 £.", FALSE },
    { "1.299,00\u00a0€", "It costs €1,299.00.", TRUE },
    { "1.299,00\u00a0€", "It costs €1299.", TRUE },
    { "1.299,00\u00a0€", "It costs 1 299,00 €.", TRUE },
    { "1.299,00\u00a0€", "It costs €1,299.50.", FALSE },
    { "1.299,00\u00a0€", "It costs €299.", FALSE },
    { "€1,299.00", "It costs 1.299,00 €.", TRUE },
    { "€1,299.00", "It costs 1.299 €.", TRUE },
    { "541.909 orders", "We have had 541,909 orders.", TRUE },
    { "¥89,00", "售价89元。", TRUE },
  };
  static const char *const langs[] = { "C", "de_DE.UTF-8" };
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));

  /* the same in either locale: facts are read as written, not by the locale alone */
  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      if (!setlocale (LC_ALL, langs[l]))
        {
          g_test_message ("locale %s missing: its half of the test is skipped", langs[l]);
          continue;
        }
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          const char *facts[] = { cases[i].fact, NULL };
          gboolean zh = strstr (cases[i].reply, "元") != NULL;
          SdGuardrailInput input = { .lang = zh ? "zh_CN" : "en", .facts = facts,
                                     .template_reply = zh ? "售价" : "It costs.", .customer_text = "how much?" };
          SdGuardrailVerdict v = { 0 };
          gboolean ok = sd_guardrails_check (&input, cases[i].reply, &v);
          if (ok != cases[i].same || (!ok && v.check != SD_GUARDRAIL_NUMBER))
            g_error ("%s, fact “%s”, reply “%s”: expected %s, got %s (%s)", langs[l], cases[i].fact, cases[i].reply,
                     cases[i].same ? "ok" : "invented_number", sd_guardrail_check_to_string (v.check),
                     v.detail ? v.detail : "");
          sd_guardrail_verdict_clear (&v);
        }
      /* and as the dialogue writes it in this locale */
      {
        g_autofree char *price = sd_format_money (129900, "EUR");
        const char *facts[] = { price, NULL };
        SdGuardrailInput input = { .lang = "en", .facts = facts, .template_reply = "It costs.", .customer_text = "how much?" };
        const char *same[] = { "It costs €1,299.00.", "It costs 1.299,00 €.", "It costs €1299.", NULL };
        SdGuardrailVerdict v = { 0 };
        for (guint i = 0; same[i]; i++)
          {
            if (!sd_guardrails_check (&input, same[i], &v))
              g_error ("%s, fact “%s”, reply “%s”: %s", langs[l], price, same[i], v.detail);
            sd_guardrail_verdict_clear (&v);
          }
        g_assert_false (sd_guardrails_check (&input, "It costs €1,299.50.", &v));
        g_assert_cmpint (v.check, ==, SD_GUARDRAIL_NUMBER);
        sd_guardrail_verdict_clear (&v);
      }
    }
  setlocale (LC_ALL, saved);
}

static void
test_language (void)
{
  g_assert_cmpstr (sd_guardrails_detect_language ("Your order has shipped.", NULL), ==, "en");
  g_assert_cmpstr (sd_guardrails_detect_language ("您的订单已发货。", NULL), ==, "zh_CN");
  /* a Chinese reply naming an English product is still Chinese */
  g_assert_cmpstr (sd_guardrails_detect_language ("White Hanging Heart T-Light Holder 现在有货，欢迎选购。", "WHITE HANGING HEART T-LIGHT HOLDER"),
                   ==, "zh_CN");
  g_assert_null (sd_guardrails_detect_language ("OK", NULL));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/guardrails/faithful", test_faithful);
  g_test_add_func ("/guardrails/unfaithful", test_unfaithful);
  g_test_add_func ("/guardrails/length", test_length);
  g_test_add_func ("/guardrails/customer-words", test_customer_words);
  g_test_add_func ("/guardrails/language", test_language);
  g_test_add_func ("/guardrails/money-forms", test_money_forms);
  return g_test_run ();
}
