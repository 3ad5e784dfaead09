#!/usr/bin/env python3
"""Builds the chatbot's intent corpus, data/chat-corpus/{en,zh_CN}.tsv, from the hand-written
paraphrase groups in data/chat-corpus/src/{en,zh_CN}*.txt (en.txt and zh_CN.txt are the
first corpus, one example per group before merging; the others were added for issue 14).

Everything in the sources was written for this project; the word lists below are this
script's own. Nothing here reads a data set: Bitext and HINT3 are evaluation data only.

A source file has `[intent]` headers and, under each, paraphrase groups separated by blank
lines (one paraphrase per line, `#` starts a comment). Slots in braces are filled from the
lists below ({order}, {product}, {country}, ...). A line starting with `~` is a verb phrase
("~cancel my order"), written out in FRAMES_PER_PHRASE of the request frames below ("how do
I cancel my order", "can you help me cancel my order", "help with cancelling my order").

Each line is written once as it is, once with one of its intent's words swapped for a synonym
(SYN_EN, SYN_ZH), and again as variants until its intent has about TARGET examples (beyond
that, VARIANT_SHARE of the lines get one): a greeting or a please around it, a typo, British
or American wording, text-speak, lower case without punctuation; in Chinese traditional
characters, an English word in place of a Chinese one, a pinyin-keyboard slip.

Output lines are `intent<TAB>text<TAB>group`. A group with a line that near-duplicates a line
of an earlier group (word or character-bigram overlap) is merged into it, so that a held-out
group seldom has a close paraphrase in the training part. The output is deterministic.

Usage: python3 data/chat-corpus/make-corpus.py   (from anywhere; rewrites both TSV files)
"""

import math
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = 170          # examples per intent and language to aim for
MAX_VARIANTS = 4      # variants per source line at most, for an intent short of TARGET
VARIANT_SHARE = 0.25  # otherwise the share of lines that get one (a typo, other wording, ...)
MERGE_OVERLAP = 0.6   # Jaccard overlap above which two lines' groups are merged

SMALL_TALK = {"greeting", "goodbye", "thanks", "affirm", "deny", "out_of_scope"}

# ---- slot values ------------------------------------------------------------------------

ORDER_PREFIXES = ["SD-", "SD-", "SD", "#", "ORD-", "", "no. ", "number "]

def order_number(rng):
    prefix = rng.choice(ORDER_PREFIXES)
    digits = rng.choice([4, 5, 6, 6, 6, 8, 10, 12])
    n = "".join(rng.choice("0123456789") for _ in range(digits))
    if n[0] == "0":
        n = "1" + n[1:]
    return prefix + n

SLOTS_EN = {
    "product": ["mug", "teapot", "lamp", "desk lamp", "hoodie", "jacket", "rain jacket", "dress",
                "trainers", "sneakers", "boots", "headphones", "earbuds", "speaker", "backpack",
                "candle", "scented candle", "blanket", "cushion", "vase", "kettle", "watch",
                "phone case", "charger", "yoga mat", "water bottle", "notebook", "scarf",
                "jeans", "t-shirt", "sofa cover", "duvet", "pillow", "mattress", "toaster",
                "coffee grinder", "frying pan", "rug", "mirror", "teddy bear", "puzzle",
                "face cream", "shampoo", "protein powder", "vitamins", "guitar strings"],
    "category": ["kitchen stuff", "home decor", "electronics", "shoes", "kids' toys",
                 "skincare", "bedding", "sportswear", "gifts", "stationery", "menswear",
                 "womenswear", "garden things", "books", "jewellery"],
    "country": ["Germany", "France", "the US", "Canada", "Australia", "Ireland", "Spain",
                "Italy", "Japan", "Hong Kong", "Singapore", "Norway", "the Netherlands",
                "New Zealand", "Poland", "Sweden", "China"],
    "city": ["London", "Manchester", "Leeds", "Glasgow", "Bristol", "Paris", "Berlin",
             "New York", "Toronto", "Sydney", "Dublin", "Shanghai", "Beijing", "Madrid"],
    "days": ["3", "5", "7", "10", "two", "three", "five", "ten", "14", "12"],
    "weeks": ["2", "3", "two", "three", "four", "6"],
    "money": ["£12", "£24.99", "$40", "€35", "£7.50", "$120", "£60", "19.99", "£250", "$8"],
    "size": ["S", "M", "L", "XL", "XS", "size 8", "size 10", "size 12", "a 42", "a 9", "medium",
             "large", "small"],
    "colour": ["black", "white", "navy", "red", "green", "grey", "pink", "beige", "blue"],
    "person": ["my mum", "my dad", "my wife", "my husband", "my sister", "my brother",
               "my girlfriend", "my boyfriend", "a friend", "my boss", "my nephew",
               "my daughter", "my son", "a colleague", "my grandma"],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "email": ["anna.lee@example.com", "j.smith@example.org", "tom88@example.net"],
    "code": ["SAVE10", "WELCOME15", "SPRING20", "FREESHIP", "VIP5"],
}

SLOTS_ZH = {
    "product": ["马克杯", "茶壶", "台灯", "卫衣", "外套", "冲锋衣", "连衣裙", "运动鞋", "靴子",
                "耳机", "蓝牙耳机", "音箱", "双肩包", "香薰蜡烛", "毯子", "抱枕", "花瓶", "电水壶",
                "手表", "手机壳", "充电器", "瑜伽垫", "水杯", "笔记本", "围巾", "牛仔裤", "T恤",
                "被套", "枕头", "床垫", "面包机", "平底锅", "地毯", "镜子", "毛绒玩具", "拼图",
                "面霜", "洗发水", "蛋白粉", "维生素", "吉他弦", "保温杯", "羽绒服"],
    "category": ["厨房用品", "家居装饰", "数码产品", "鞋子", "儿童玩具", "护肤品", "床上用品",
                 "运动服", "礼品", "文具", "男装", "女装", "园艺用品", "图书", "首饰"],
    "country": ["德国", "法国", "美国", "加拿大", "澳大利亚", "日本", "新加坡", "香港", "台湾",
                "英国", "新西兰", "马来西亚", "韩国"],
    "city": ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆",
             "苏州", "天津", "长沙", "厦门", "哈尔滨", "乌鲁木齐", "拉萨"],
    "days": ["3", "5", "7", "10", "三", "五", "七", "十", "十五", "两"],
    "weeks": ["两", "三", "2", "3", "四"],
    "money": ["99元", "¥199", "58块", "20元", "300多块", "128元", "15块钱", "¥49.9", "一千块"],
    "size": ["S码", "M码", "L码", "XL", "XXL", "38码", "40码", "42码", "均码", "大码", "小码"],
    "colour": ["黑色", "白色", "藏青色", "红色", "绿色", "灰色", "粉色", "米色", "蓝色"],
    "person": ["我妈", "我爸", "老婆", "老公", "我姐", "我弟", "女朋友", "男朋友", "朋友",
               "领导", "侄子", "女儿", "儿子", "同事", "奶奶"],
    "weekday": ["周一", "周二", "周三", "周四", "周五", "周六", "周日", "星期一", "星期五"],
    "email": ["anna.lee@example.com", "zhang.wei@example.cn", "tom88@example.net"],
    "code": ["SAVE10", "新人券", "满减券", "VIP5", "618券"],
}

# Request frames around a verb phrase (a source line starting with "~"): how people ask for
# anything, so they say nothing about which intent it is.
EN_FRAMES = ["I want to {}", "I'd like to {}", "I need to {}", "how do I {}", "how can I {}",
             "can I {}", "can you help me {}", "help me {}", "I need help to {}",
             "where can I {}", "where do I {}", "is it possible to {}", "I don't know how to {}",
             "could you help me {}", "I'm trying to {}", "what do I do to {}", "tell me how to {}",
             "I have to {}", "please help me {}", "what's the way to {}", "I would like to {}",
             "I wanna {}", "how would I {}", "any way to {}?", "{} please", "{}"]
ZH_FRAMES = ["我想{}", "我要{}", "怎么{}", "如何{}", "帮我{}", "我需要{}", "能不能{}", "可以{}吗",
             "在哪里{}", "请帮我{}", "想{}，怎么弄", "{}怎么操作", "我不知道怎么{}", "麻烦帮我{}",
             "{}", "请问怎样{}", "我想要{}", "{}，在哪弄", "能帮我{}吗", "想问下怎么{}"]
FRAMES_PER_PHRASE = 3
# the same, around the -ing form ("help with cancelling my order")
EN_GERUND_FRAMES = ["help with {}", "I need help {}", "I need some help {}", "I have trouble {}",
                    "I'm having problems {}", "can you help me with {}", "assistance {} please",
                    "I need assistance {}", "question about {}", "{}", "information about {}",
                    "is there a problem with {}?", "I'm stuck {}", "any help {}?"]
DOUBLED = {"get", "put", "set", "stop", "swap", "shop", "log", "sign", "plan", "drop", "ship",
           "chat", "pin", "cut", "let", "run", "scrap", "top", "rip", "tip"}

def gerund(phrase, rng):
    verb, _, rest = phrase.partition(" ")
    v = verb.lower()
    if v == "cancel":
        g = rng.choice(["cancelling", "canceling"])
    elif v in DOUBLED:
        g = v + v[-1] + "ing"
    elif v.endswith("ie"):
        g = v[:-2] + "ying"
    elif v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and v != "be":
        g = v[:-1] + "ing"
    else:
        g = v + "ing"
    return (g + " " + rest).strip()

# Words that mean the same within an intent: a line using one is also written with another,
# so an intent's vocabulary is spread over its groups as it is over real customers' messages.
SYN_EN = {
    "cancel_order": [["cancel", "withdraw", "call off", "stop", "void", "scrap", "abort"],
                     ["order", "purchase"]],
    "return_refund": [["refund", "reimbursement", "money back"], ["return", "send back"]],
    "invoice_request": [["invoice", "receipt", "bill", "tax invoice"]],
    "track_package": [["parcel", "package", "shipment", "delivery"], ["track", "trace", "follow"],
                      ["courier", "carrier", "delivery company"]],
    "delivery_problem": [["parcel", "package", "delivery", "order"],
                         ["late", "delayed", "overdue"], ["damaged", "broken", "smashed", "crushed"],
                         ["lost", "missing"]],
    "account_help": [["account", "profile", "user account"], ["password", "login details", "PIN"],
                     ["sign up", "register"], ["log in", "sign in"]],
    "talk_to_human": [["a human", "a person", "an agent", "a real person", "someone", "a representative",
                       "a live agent", "a member of staff"],
                      ["customer service", "customer support", "support", "the help desk"]],
    "complaint": [["complaint", "formal complaint", "grievance"],
                  ["terrible", "awful", "dreadful", "appalling", "horrible"],
                  ["angry", "furious", "livid", "annoyed", "upset"]],
    "change_address": [["address", "delivery address", "shipping address"],
                       ["change", "update", "edit", "correct", "modify"]],
    "payment_problem": [["payment", "card payment", "transaction"], ["pay", "make a payment"],
                        ["payment methods", "payment options", "ways to pay"]],
    "coupons_discounts": [["coupon", "discount code", "promo code", "voucher", "code"],
                          ["discount", "offer", "deal"], ["sale", "promotion"]],
    "opening_hours": [["opening hours", "business hours", "working hours", "support hours", "hours"],
                      ["open", "available", "online"]],
    "warranty": [["warranty", "guarantee"], ["broken", "faulty", "defective", "not working"],
                 ["repair", "fix"]],
    "recommendation_request": [["recommend", "suggest"], ["gift", "present"],
                               ["popular", "trending", "best selling"]],
    "shipping_cost": [["shipping", "delivery", "postage"], ["cost", "price", "charge", "fee"]],
    "shipping_time": [["delivery", "shipping"], ["arrive", "get here", "be delivered"]],
    "stock_availability": [["in stock", "available", "in store"], ["restock", "back in stock"]],
    "size_fit": [["size", "sizing"], ["fit", "suit"]],
    "product_search": [["looking for", "searching for", "after", "hunting for"],
                       ["buy", "purchase", "order", "get"]],
    "product_question": [["made of", "made from"], ["how big", "what size"]],
    "order_status": [["order", "purchase"], ["shipped", "dispatched", "sent"],
                     ["status", "progress"]],
    "greeting": [["hi", "hello", "hey", "hiya"], ["good morning", "good afternoon", "good evening", "morning"]],
    "goodbye": [["bye", "goodbye", "see you"]],
    "thanks": [["thanks", "thank you", "cheers", "ta"]],
    "affirm": [["yes", "yeah", "yep", "sure"]],
    "deny": [["no", "nope", "nah"]],
}
SYN_ZH = {
    "cancel_order": [["取消", "撤销", "撤回", "退掉"], ["订单", "单子"]],
    "return_refund": [["退款", "退钱", "退费"], ["退货", "退回"]],
    "invoice_request": [["发票", "收据", "电子发票"]],
    "track_package": [["物流", "快递", "包裹"], ["单号", "运单号", "快递单号"]],
    "delivery_problem": [["快递", "包裹", "货"], ["坏了", "破了", "碎了", "压坏了"],
                         ["没收到", "没到", "还没到"]],
    "account_help": [["账号", "账户", "帐号"], ["密码", "登录密码"], ["注册", "开户"],
                     ["登录", "登陆"]],
    "talk_to_human": [["人工", "真人", "人工客服", "客服"]],
    "complaint": [["投诉", "举报"], ["太差了", "太烂了", "很差", "差劲"], ["生气", "气愤", "恼火"]],
    "change_address": [["地址", "收货地址", "收件地址"], ["改", "修改", "更改", "换"]],
    "payment_problem": [["付款", "支付", "付钱"], ["支付方式", "付款方式"]],
    "coupons_discounts": [["优惠券", "优惠码", "折扣码", "券", "红包"], ["优惠", "折扣", "活动"]],
    "opening_hours": [["营业时间", "上班时间", "工作时间", "服务时间"], ["上班", "营业", "在线"]],
    "warranty": [["保修", "质保", "售后"], ["坏了", "有故障", "不能用了"], ["维修", "修"]],
    "recommendation_request": [["推荐", "建议"], ["礼物", "礼品"], ["热门", "爆款", "畅销"]],
    "shipping_cost": [["运费", "邮费", "快递费"], ["包邮", "免运费"]],
    "shipping_time": [["送到", "寄到", "运到", "到"], ["发货", "寄出"]],
    "stock_availability": [["有货", "现货", "有库存"], ["补货", "进货", "上货"]],
    "size_fit": [["尺码", "码数", "尺寸"], ["合适", "合身"]],
    "product_search": [["找", "搜", "想买"], ["有没有", "有卖"]],
    "product_question": [["材质", "面料"], ["正品", "真货"]],
    "order_status": [["订单", "单子"], ["发货", "发出"], ["进度", "状态"]],
    "greeting": [["你好", "您好", "哈喽", "嗨"], ["在吗", "在不在", "有人吗"]],
    "goodbye": [["再见", "拜拜", "回见"]],
    "thanks": [["谢谢", "感谢", "多谢"]],
    "affirm": [["好的", "好", "可以", "行"]],
    "deny": [["不用", "不要", "不需要"]],
}

def synonym(rng, text, table, lang):
    """@text with one of its intent's words replaced by another of the same meaning, or None."""
    found = []
    for words in table:
        for w in words:
            if lang == "en":
                if re.search(r"(?<![\w'])%s(?![\w'])" % re.escape(w), text, flags=re.I):
                    found.append((w, words))
            elif w in text:
                found.append((w, words))
    if not found:
        return None
    w, words = rng.choice(found)
    other = rng.choice([x for x in words if x != w])
    if lang == "en":
        return re.sub(r"(?<![\w'])%s(?![\w'])" % re.escape(w), lambda m: other, text, count=1, flags=re.I)
    return text.replace(w, other, 1)

# ---- English variants -------------------------------------------------------------------

# A greeting or a thank-you around a request is common, but if most variants carried one
# the small-talk intents would lose their own words to the others: they are a quarter.
EN_PREFIXES = ["excuse me, ", "sorry to bother you, ", "quick question: ", "um ", "ok so ",
               "help! ", "dear customer service, ", "so ", "question: ", "right, ", "also ",
               "one more thing, "]
EN_GREETING_PREFIXES = ["hi, ", "hello, ", "hey ", "hi there, ", "good morning, ", "hiya, ",
                        "good afternoon, ", "hi team, ", "morning, "]
EN_SUFFIXES = [" please", " pls", " asap", "?", "??", "!", " please help", " :(", " if possible",
               " when you get a chance", " plz", " urgently", " today", " now"]
EN_THANKS_SUFFIXES = [" thanks", " thank you", " thx", " cheers", ", thanks in advance"]
# British → American; applied either way
EN_SWAPS = [("colour", "color"), ("cancelled", "canceled"), ("cancelling", "canceling"),
            ("parcel", "package"), ("postcode", "zip code"), ("mobile", "cell phone"),
            ("trainers", "sneakers"), ("jumper", "sweater"), ("flat", "apartment"),
            ("post", "mail"), ("favourite", "favorite"), ("cheque", "check"),
            ("organise", "organize"), ("realise", "realize"), ("jewellery", "jewelry"),
            ("delivery", "shipment"), ("trousers", "pants"), ("holiday", "vacation"),
            ("queue", "line"), ("rubbish", "garbage"), ("fortnight", "two weeks"),
            ("courier", "carrier"), ("dispatched", "shipped")]
EN_SHORT = [("you", "u"), ("your", "ur"), ("are", "r"), ("please", "pls"), ("thanks", "thx"),
            ("because", "cos"), ("tomorrow", "tmrw"), ("I am", "im"), ("I'm", "im"),
            ("don't", "dont"), ("can't", "cant"), ("what's", "whats"), ("where's", "wheres"),
            ("haven't", "havent"), ("didn't", "didnt"), ("isn't", "isnt")]
KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"

def typo(rng, text):
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    k = rng.randrange(1, len(w) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        w = w[:k] + w[k + 1:]                          # a letter dropped
    elif kind == 1:
        w = w[:k] + w[k + 1] + w[k] + w[k + 2:]        # two letters swapped
    elif kind == 2:
        w = w[:k] + w[k] + w[k:]                       # a letter doubled
    else:
        w = w[:k] + rng.choice(KEYBOARD) + w[k + 1:]   # a key next door, near enough
    words[i] = w
    return " ".join(words)

def swap_words(text, pairs, rng):
    out = text
    for a, b in pairs:
        if rng.random() < 0.5:
            a, b = b, a
        out = re.sub(r"\b%s\b" % re.escape(a), b, out, flags=re.I)
    return out

def variant_en(rng, text, intent):
    kinds = ["typo", "case", "swap", "short"]
    if intent not in SMALL_TALK:
        kinds += ["prefix", "suffix", "prefix", "suffix", "both"]
    kind = rng.choice(kinds)
    if kind == "typo":
        return typo(rng, text)
    if kind == "case":
        t = re.sub(r"[?.!,]", "", text).lower()
        return t if rng.random() < 0.7 else t.upper()
    if kind == "swap":
        return swap_words(text, EN_SWAPS, rng)
    if kind == "short":
        return swap_words(text, EN_SHORT, random.Random(0)).lower()
    prefix = rng.choice(EN_GREETING_PREFIXES if rng.random() < 0.25 else EN_PREFIXES)
    suffix = rng.choice(EN_THANKS_SUFFIXES if rng.random() < 0.25 else EN_SUFFIXES)
    if kind == "prefix":
        return prefix + lower_first(text)
    if kind == "suffix":
        return text.rstrip("?.!") + suffix
    return prefix + lower_first(text.rstrip("?.!")) + suffix

def lower_first(text):
    if len(text) > 1 and text[0].isupper() and not text[1].isupper() and not text.startswith("I "):
        return text[0].lower() + text[1:]
    return text

# ---- Chinese variants -------------------------------------------------------------------

ZH_PREFIXES = ["请问", "麻烦问一下，", "客服，", "急！", "打扰一下，", "那个，", "问下，", "老板，",
               "我想问下，", "还有，", "对了，"]
ZH_GREETING_PREFIXES = ["你好，", "您好，", "亲，", "在吗？", "客服你好，", "hello，", "hi，", "亲亲，"]
ZH_SUFFIXES = ["？", "。", "，麻烦了", "，急", "啊", "呢", "？？", "，在线等", "!!", "～",
               "，拜托了", "，麻烦快点", "呀"]
ZH_THANKS_SUFFIXES = ["，谢谢", "，谢谢啦", "，多谢"]
# simplified → traditional, for the characters that matter here
TRAD = dict(zip(
    "订单货还没发退钱号会么这们时间运费与变账户码实说请问优惠券码开发票个为过难买卖颜尺寸换邮递确认软件缺补转给让几长宽双爱乐头东车见对时该从给错险坏罚网应过寄办议边关门银质检验诉处断结经终续购选择条报价装现让说话连线适样师专单",
    "訂單貨還沒發退錢號會麼這們時間運費與變賬戶碼實說請問優惠券碼開發票個為過難買賣顏尺寸換郵遞確認軟件缺補轉給讓幾長寬雙愛樂頭東車見對時該從給錯險壞罰網應過寄辦議邊關門銀質檢驗訴處斷結經終續購選擇條報價裝現讓說話連線適樣師專單"))
# Chinese word → the English word shoppers type in its place
ZH_MIX = [("订单", "order"), ("订单号", "order号"), ("快递", "快递"), ("退款", "refund"),
          ("优惠券", "coupon"), ("发票", "invoice"), ("物流", "tracking"), ("客服", "客服"),
          ("尺码", "size"), ("账号", "account"), ("密码", "password"), ("包裹", "包裹"),
          ("地址", "address"), ("折扣", "discount"), ("库存", "stock"), ("付款", "付款"),
          ("人工", "真人"), ("保修", "warranty"), ("推荐", "推荐"), ("取消", "cancel")]
# easy slips of a pinyin keyboard
ZH_SLIPS = [("在", "再"), ("的", "得"), ("哪", "那"), ("吗", "嘛"), ("账", "帐"), ("已经", "以经"),
            ("怎么", "咋"), ("什么", "啥"), ("没有", "没"), ("一下", "下"), ("可以", "能"),
            ("为什么", "为啥"), ("现在", "现再")]

def variant_zh(rng, text, intent):
    kinds = ["trad", "mix", "slip", "prefix", "suffix", "nopunct"]
    if intent in SMALL_TALK:
        kinds = ["trad", "slip", "suffix", "nopunct"]
    kind = rng.choice(kinds)
    prefix = rng.choice(ZH_GREETING_PREFIXES if rng.random() < 0.25 else ZH_PREFIXES)
    suffix = rng.choice(ZH_THANKS_SUFFIXES if rng.random() < 0.25 else ZH_SUFFIXES)
    if kind == "trad":
        return "".join(TRAD.get(c, c) for c in text)
    if kind == "mix":
        pairs = [p for p in ZH_MIX if p[0] in text and p[0] != p[1]]
        if not pairs:
            return prefix + text
        a, b = rng.choice(pairs)
        return text.replace(a, b, 1)
    if kind == "slip":
        pairs = [p for p in ZH_SLIPS if p[0] in text]
        if not pairs:
            return text.rstrip("？?。!！") + suffix
        a, b = rng.choice(pairs)
        return text.replace(a, b, 1)
    if kind == "prefix":
        return prefix + text
    if kind == "suffix":
        return text.rstrip("？?。!！") + suffix
    return re.sub(r"[，。？！,.?!～]", "", text) or text

# ---- reading, expanding, grouping ---------------------------------------------------------

def read_source(path, intents):
    """Adds the groups of @path to @intents, a dict intent → [[line, ...], ...]."""
    current, group = None, []
    def close():
        if group and current is not None:
            current.append(list(group))
        group.clear()
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            if raw.strip().startswith("#"):
                continue
            line = raw.rstrip("\n").strip()
            m = re.fullmatch(r"\[([a-z_]+)\]", line)
            if m:
                close()
                current = intents.setdefault(m.group(1), [])
            elif not line:
                close()
            elif current is None:
                sys.exit("%s:%d: a line before the first [intent]" % (path, n))
            else:
                if "\t" in line:
                    sys.exit("%s:%d: a tab in an example" % (path, n))
                group.append(line)
    close()

def fill(rng, text, slots):
    def one(m):
        name = m.group(1)
        if name == "order":
            return order_number(rng)
        if name not in slots:
            sys.exit("unknown slot {%s} in %r" % (name, text))
        return rng.choice(slots[name])
    return re.sub(r"\{([a-z]+)\}", one, text)

def expand_frames(rng, group, lang):
    frames = EN_FRAMES if lang == "en" else ZH_FRAMES
    out = []
    for line in group:
        if line.startswith("~"):
            phrase = line[1:].strip()
            picked = rng.sample(frames, FRAMES_PER_PHRASE)
            if lang == "en":
                # one of them around the -ing form
                picked[-1] = rng.choice(EN_GERUND_FRAMES)
                out.extend(f.format(phrase) for f in picked[:-1])
                out.append(picked[-1].format(gerund(phrase, rng)))
            else:
                out.extend(f.format(phrase) for f in picked)
        else:
            out.append(line)
    return out

def canonical(text, lang, intent):
    """@text with each of its intent's synonyms written as the first of its set, so that
    lines that differ by a synonym (as the variants may) count as near-duplicates."""
    table = (SYN_EN if lang == "en" else SYN_ZH).get(intent, [])
    for words in table:
        for w in sorted(words[1:], key=len, reverse=True):
            if lang == "en":
                text = re.sub(r"(?<![\w'])%s(?![\w'])" % re.escape(w), words[0], text, flags=re.I)
            else:
                text = text.replace(w, words[0])
    return text

def tokens(text, lang, intent=None):
    # a slot is one token, whatever fills it
    t = re.sub(r"\{[a-z]+\}", "□", canonical(text.lower().lstrip("~"), lang, intent))
    if lang == "zh_CN":
        t = re.sub(r"\s+|[，。？！,.?!～]", "", t)
        return {t[i:i + 2] for i in range(len(t) - 1)} or {t}
    return set(re.findall(r"[a-z']+|□", t))

def jaccard(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0

def merge_groups(groups, lang, intent):
    """Each group joins the first earlier group with a line near-duplicating one of its own
    lines. Two earlier groups are never joined through a third, which would chain short
    sentences into a few huge groups and make the held-out fifth a lottery."""
    clusters = []   # (token sets of the seed group's lines, [lines])
    for g in groups:
        toks = [tokens(l, lang, intent) for l in g]
        for seed, lines in clusters:
            if any(jaccard(a, b) >= MERGE_OVERLAP for a in toks for b in seed):
                lines.extend(g)
                break
        else:
            clusters.append((toks, list(g)))
    return [lines for _, lines in clusters]

def build(lang):
    # src/en.txt, then src/en-*.txt in name order
    srcdir = os.path.join(HERE, "src")
    sources = sorted(f for f in os.listdir(srcdir)
                     if f == lang + ".txt" or (f.startswith(lang + "-") and f.endswith(".txt")))
    intents = {}
    for f in sources:
        read_source(os.path.join(srcdir, f), intents)
    out = os.path.join(HERE, lang + ".tsv")
    slots = SLOTS_EN if lang == "en" else SLOTS_ZH
    variant = variant_en if lang == "en" else variant_zh
    rng = random.Random("shopdesk-corpus-" + lang)
    rows, counts = [], {}
    for intent, groups in intents.items():
        groups = merge_groups(groups, lang, intent)
        n_lines = sum(FRAMES_PER_PHRASE if l.startswith("~") else 1 for g in groups for l in g)
        extra = min(MAX_VARIANTS, max(0, math.ceil(TARGET / max(n_lines, 1)) - 1))
        seen = set()
        for gi, group in enumerate(groups, 1):
            name = "%s.%d" % (intent, gi)
            for line in expand_frames(rng, group, lang):
                texts = [fill(rng, line, slots)]
                for _ in range(extra):
                    texts.append(variant(rng, fill(rng, line, slots), intent))
                syn = synonym(rng, fill(rng, line, slots), (SYN_EN if lang == "en" else SYN_ZH).get(intent, []), lang)
                if syn:
                    texts.append(syn)
                # every line a typo, a frame or other wording now and then, even where the
                # intent has plenty of lines
                if extra == 0 and rng.random() < VARIANT_SHARE:
                    texts.append(variant(rng, fill(rng, line, slots), intent))
                for t in texts:
                    t = re.sub(r"\s+", " ", t).strip()
                    if t and t.lower() not in seen:
                        seen.add(t.lower())
                        rows.append((intent, t, name))
        counts[intent] = sum(1 for r in rows if r[0] == intent)
    with open(out, "w", encoding="utf-8") as f:
        f.write("# Generated by make-corpus.py from src/%s*.txt: intent<TAB>text<TAB>paraphrase group. "
                "Edit the sources and run the script again.\n" % lang)
        for r in rows:
            f.write("\t".join(r) + "\n")
    low = {k: v for k, v in counts.items() if v < 150}
    print("%s: %d examples, %d intents%s" % (out, len(rows), len(counts),
          (", under 150: %s" % low) if low else ""))

if __name__ == "__main__":
    for lang in ("en", "zh_CN"):
        build(lang)
