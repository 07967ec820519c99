"""The words of the demo world: business lines, shops, products, rules, replies."""

from __future__ import annotations

# code, name, per-category deadline overrides (None: the platform default).
CATEGORIES: list[tuple[str, str, dict[str, int]]] = [
    ("apparel", "服饰鞋包", {}),
    ("beauty", "美妆个护", {"merchant_response_hours": 36}),
    ("food", "食品生鲜", {"after_sales_days": 7, "merchant_response_hours": 24}),
    ("digital", "数码家电", {"after_sales_days": 30, "evidence_hours": 96}),
    ("home", "家居日用", {}),
    ("baby", "母婴玩具", {"pickup_sla_hours": 12, "ruling_sla_hours": 48}),
]

# The two well-known stores come first: store 1 and store 2.
KNOWN_STORES = [
    ("潮流前线服饰旗舰店", "apparel", "浙江"),
    ("花漾美妆专营店", "beauty", "广东"),
]

# Return addresses (退货地址): the two demo stores', then a city and district
# per province for the generated stores (a street is drawn at random).
KNOWN_RETURN_ADDRESSES = [
    (
        "周建国",
        "13857120001",
        "浙江",
        "杭州市",
        "余杭区",
        "文一西路998号 海创园 5号楼 售后部",
    ),
    (
        "林晓燕",
        "020-38881234",
        "广东",
        "广州市",
        "白云区",
        "机场路1688号 美妆仓储中心 B区 退货组",
    ),
]
RETURN_CITIES = {
    "北京": ("北京市", "朝阳区"),
    "上海": ("上海市", "浦东新区"),
    "浙江": ("杭州市", "萧山区"),
    "广东": ("深圳市", "龙岗区"),
    "江苏": ("苏州市", "吴中区"),
    "山东": ("临沂市", "兰山区"),
    "福建": ("泉州市", "晋江市"),
    "河北": ("保定市", "白沟新城"),
    "四川": ("成都市", "双流区"),
    "湖北": ("武汉市", "东西湖区"),
}
RETURN_STREETS = ["物流园路", "工业大道", "创业路", "仓储路", "电商产业园"]

STORE_PREFIX = [
    "老周",
    "阿香",
    "小鹿",
    "山野",
    "青禾",
    "悦享",
    "优品",
    "鲜到家",
    "东北",
    "江南",
    "蜀味",
    "云间",
    "初见",
    "暖阳",
    "拾光",
    "星河",
    "喵喵",
    "大胖",
]
STORE_CORE = {
    "apparel": ["服饰", "女装", "男装", "鞋业", "箱包", "潮牌"],
    "beauty": ["美妆", "护肤", "彩妆", "个护", "香氛"],
    "food": ["生鲜", "零食", "果园", "茶叶", "土特产", "海鲜"],
    "digital": ["数码", "家电", "手机配件", "电器", "影音"],
    "home": ["家居", "日用百货", "厨具", "家纺", "收纳"],
    "baby": ["母婴", "童装", "玩具", "奶粉", "孕婴"],
}
STORE_SUFFIX = ["旗舰店", "专营店", "小店", "直播间", "工厂店", "精选店"]

# name, price range in yuan.
PRODUCTS: dict[str, list[tuple[str, int, int]]] = {
    "apparel": [
        ("纯棉宽松短袖T恤", 39, 89),
        ("高腰阔腿牛仔裤", 79, 169),
        ("加厚羽绒服 白鸭绒", 299, 699),
        ("真皮小白鞋", 129, 299),
        ("通勤托特包", 99, 259),
        ("针织开衫外套", 89, 199),
        ("运动休闲卫衣", 69, 159),
        ("羊毛混纺大衣", 399, 899),
    ],
    "beauty": [
        ("玻尿酸补水面膜 10片装", 49, 99),
        ("氨基酸洗面奶", 39, 79),
        ("持妆粉底液", 129, 299),
        ("丝绒哑光口红", 69, 159),
        ("烟酰胺精华液", 99, 259),
        ("防晒霜 SPF50+", 59, 139),
        ("电动牙刷", 129, 299),
    ],
    "food": [
        ("阳光玫瑰葡萄 2斤", 39, 89),
        ("智利车厘子 JJ级 2斤", 99, 199),
        ("五常大米 10斤", 59, 119),
        ("每日坚果 30袋", 69, 139),
        ("阳澄湖大闸蟹 礼盒", 199, 499),
        ("云南普洱茶饼", 89, 299),
        ("手工红糖 500g", 19, 49),
    ],
    "digital": [
        ("蓝牙降噪耳机", 199, 899),
        ("65W 氮化镓充电器", 59, 139),
        ("智能手表", 299, 1299),
        ("空气炸锅 5L", 199, 459),
        ("扫地机器人", 999, 2999),
        ("机械键盘", 199, 599),
        ("手机壳 防摔", 19, 59),
    ],
    "home": [
        ("四件套 纯棉", 159, 399),
        ("不锈钢保温杯", 49, 129),
        ("收纳箱 三件套", 39, 99),
        ("记忆棉枕头", 79, 199),
        ("不粘锅炒锅", 99, 259),
        ("香薰加湿器", 69, 169),
    ],
    "baby": [
        ("婴儿纸尿裤 L码", 89, 199),
        ("儿童积木 500粒", 69, 199),
        ("婴儿推车 轻便", 399, 1299),
        ("宝宝辅食米粉", 39, 99),
        ("儿童保温水杯", 49, 119),
        ("早教点读机", 199, 499),
    ],
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "小梅",
    "晓东",
    "雨涵",
    "子轩",
    "欣怡",
    "浩然",
    "思雨",
    "梓萱",
    "俊杰",
    "佳怡",
    "宇航",
    "诗涵",
]

# Further platform staff the seeder generates (never decide appeals they ruled).
EXTRA_AGENTS = [("agent3", "客服·黄杰"), ("agent4", "客服·吴娜")]
AGENTS = ["agent1", "agent2", "agent3", "agent4"]
SUPERVISORS = ["supervisor1", "supervisor2"]

# code, versions: (title, text, days before today it took effect[, the
# compensation multiple and minimum it awards beyond the refund]).
RULES: list[tuple[str, list[tuple]]] = [
    (
        "quality",
        [
            (
                "商品质量问题处理规则",
                "第一条 商品存在质量问题的，买家可在售后期内申请退货退款或仅退款。\n"
                "第二条 买家应提供能够证明质量问题的图片或视频；商家对商品质量"
                "无问题负举证责任。",
                730,
            ),
            (
                "商品质量问题处理规则（2026年修订）",
                "第一条 商品存在质量问题的，买家可在售后期内申请退货退款或仅退款。\n"
                "第二条 商家对商品质量无问题负举证责任；举证不足的，"
                "平台支持买家诉求。\n"
                "第三条 因质量问题产生的退货运费由商家承担。",
                60,
            ),
        ],
    ),
    (
        "description",
        [
            (
                "描述不符判定规则",
                "第一条 商品的材质、尺寸、颜色、功能等与商品详情页或直播间介绍不一致"
                "的，构成描述不符。\n第二条 构成描述不符的，买家可申请退货退款，"
                "商家承担来回运费。",
                540,
            ),
        ],
    ),
    (
        "logistics",
        [
            (
                "物流与签收争议处理规则",
                "第一条 物流显示签收但买家未收到货的，由商家提供有效签收凭证。\n"
                "第二条 商家无法提供签收凭证的，平台支持买家退款。",
                700,
            ),
            (
                "物流与签收争议处理规则（2026年修订）",
                "第一条 物流显示签收但买家未收到货的，"
                "由商家提供本人签收或授权代收凭证。\n"
                "第二条 商品在运输途中破损的，由商家先行赔付，再向物流公司追偿。\n"
                "第三条 超过承诺发货时间未发货的，买家可申请仅退款。",
                45,
            ),
        ],
    ),
    (
        "counterfeit",
        [
            (
                "假冒商品处理规则",
                "第一条 商家出售假冒、盗版商品的，"
                "买家可申请退款，平台核实后支持买家。\n"
                "第二条 经核实售假的，平台对店铺采取限制措施，情节严重的予以清退。",
                900,
            ),
            (
                "假冒商品处理规则（假一赔三）",
                "第一条 商家出售假冒、盗版商品的，"
                "买家可申请退款，平台核实后支持买家。\n"
                "第二条 经核实售假的，商家除退还货款外，另按商品价款的三倍赔偿买家"
                "（假一赔三），不足100元的按100元赔偿。\n"
                "第三条 经核实售假的，平台对店铺采取限制措施，情节严重的予以清退。",
                180,
                "3",
                "100.00",
            ),
        ],
    ),
    (
        "missing",
        [
            (
                "少件漏发处理规则",
                "第一条 买家收到的商品数量少于订单数量或缺少配件、赠品的，商家应补发或"
                "按比例退款。\n第二条 买家应在签收后及时反馈，"
                "并提供开箱视频或称重信息。",
                400,
            ),
        ],
    ),
    (
        "after-sales",
        [
            (
                "快手小店售后服务规则（摘要）",
                "第一条 商家应在48小时内处理买家的售后申请，逾期未处理的，平台介入。\n"
                "第二条 双方协商不成的，任一方可申请平台"
                "介入；平台依据双方证据作出裁定。\n"
                "第三条 对裁定不服的，可在7日内申诉一次，由不同的审核人员重新审理。",
                800,
            ),
            (
                "快手小店售后服务规则（2026年版）",
                "第一条 商家应在规定时限内处理买家的售后申请，逾期未处理的，平台介入或"
                "直接退款。\n第二条 双方协商不成的，任一方可申请平台介入；平台核实、"
                "调解，调解不成的依据公开规则作出裁定。\n第三条 对裁定不服的，"
                "可在申诉期"
                "内申诉一次，由未参与裁定的主管重新审理。",
                90,
            ),
        ],
    ),
]

# Goods as well as money: the 七天无理由 rule and who pays the return postage.
RULES += [
    (
        "no-reason",
        [
            (
                "七天无理由退货规则",
                "第一条 支持七天无理由退货的类目，买家自签收次日零时起七日（168小时）内"
                "可申请无理由退货或换货，商品应保持完好、不影响二次销售。\n"
                "第二条 定制商品、鲜活易腐商品、已拆封的个人护理及贴身用品等不适用"
                "七天无理由退货。\n"
                "第三条 商家同意后，买家应在7日内按店铺退货地址寄回商品并填写物流单号；"
                "逾期未寄回的，退货申请关闭。\n"
                "第四条 商家确认收货后退款；商家收货后逾期既不确认也不拒收的，"
                "视为确认收货，平台自动退款。",
                120,
            ),
        ],
    ),
    (
        "return-shipping",
        [
            (
                "退货运费承担规则",
                "第一条 因商品质量问题、描述不符、破损、少件或假冒退货的，"
                "来回运费由商家承担。\n"
                "第二条 七天无理由退货的，退回运费由买家承担，"
                "商家另有运费险或包邮承诺的从其承诺。\n"
                "第三条 买家寄回商品应选择平台支持的快递公司并如实填写运单号；"
                "运单号与快递公司格式不符的，不予受理。\n"
                "第四条 商家以未收到货、商品已使用或被调包为由拒收的，应提供拆包视频、"
                "称重记录等证据，由平台核实判定；同一商品的第二次争议由主管一次性裁定。",
                120,
            ),
        ],
    ),
]

# Which rule an agent cites for a reason.
RULE_FOR_REASON = {
    "no_reason": "no-reason",
    "quality": "quality",
    "not_as_described": "description",
    "not_received": "logistics",
    "damaged": "logistics",
    "missing_parts": "missing",
    "counterfeit": "counterfeit",
    "return_exchange": "after-sales",
    "other": "after-sales",
}

# Sample evidence files by kind: stored name, uploader's file name, type,
# extension; see world.py. A story uploads a file of the kind it describes.
EVIDENCE_FILES = [
    ("photo", "evidence/demo/photo-1.png", "IMG_2011.png", "image/png", ".png"),
    ("photo", "evidence/demo/photo-2.png", "IMG_2022.png", "image/png", ".png"),
    ("photo", "evidence/demo/photo-3.png", "IMG_2033.png", "image/png", ".png"),
    ("screenshot", "evidence/demo/screen-4.png", "截图_0307.png", "image/png", ".png"),
    ("video", "evidence/demo/video-5.png", "开箱视频截图.png", "image/png", ".png"),
    (
        "waybill",
        "evidence/demo/waybill.pdf",
        "物流签收单.pdf",
        "application/pdf",
        ".pdf",
    ),
    (
        "inspection",
        "evidence/demo/report.pdf",
        "出库检验单.pdf",
        "application/pdf",
        ".pdf",
    ),
    (
        "licence",
        "evidence/demo/licence.pdf",
        "品牌授权书.pdf",
        "application/pdf",
        ".pdf",
    ),
]
FILES_OF_KIND: dict[str, list[int]] = {
    kind: [i for i, file in enumerate(EVIDENCE_FILES) if file[0] == kind]
    for kind in dict.fromkeys(file[0] for file in EVIDENCE_FILES)
}

# The agents' tools, kept by supervisors (seeded so the workbench shows them).
# Macros: name, message (internal?), evidence request (party, what, hours),
# then start mediation.
MACROS: list[tuple[str, str, bool, str, str, int | None, bool]] = [
    (
        "受理并向买家要凭证",
        "您好，我是平台客服，已受理您的投诉，请在规定时间内补充凭证。",
        False,
        "buyer",
        "请提供能证明问题的照片或视频。",
        None,
        False,
    ),
    (
        "向商家要发货凭证",
        "",
        False,
        "merchant",
        "请提供发货凭证和物流签收底单。",
        48,
        False,
    ),
    (
        "双方凭证齐全，开始调解",
        "双方凭证已收到，平台开始调解。",
        False,
        "",
        "",
        None,
        True,
    ),
    ("记录：商家联系不上", "商家电话未接通，已短信通知。", True, "", "", None, False),
]
# Canned replies: reason ("" for any), title, body.
CANNED_REPLIES: list[tuple[str, str, str]] = [
    ("", "受理通知", "您好，我是平台客服，已受理您的投诉，将在规定时间内核实处理。"),
    ("", "提醒补充证据", "请双方在规定时间内补充证据，逾期将按现有证据处理。"),
    ("", "调解开始", "平台已开始调解，请双方查看调解方案并在规定时间内确认。"),
    (
        "quality",
        "质量问题：要照片",
        "请提供商品问题部位的清晰照片或视频，方便平台核实。",
    ),
    (
        "not_as_described",
        "描述不符：要对比图",
        "请提供实物与商品详情页对比的照片，以及下单时的详情页截图。",
    ),
    (
        "not_received",
        "未收到货：核实物流",
        "平台已联系物流公司核实签收情况，请耐心等待。",
    ),
    ("damaged", "破损：要开箱照片", "请提供外包装和破损商品的照片，有开箱视频更好。"),
    ("missing_parts", "少件：要开箱视频", "请提供开箱视频或快递面单上的重量信息。"),
    (
        "counterfeit",
        "疑似假货：要鉴定",
        "请买家提供防伪查询结果，请商家提供品牌授权书或进货凭证。",
    ),
    ("return_exchange", "无理由退换：要吊牌照片", "请提供商品、吊牌和包装完好的照片。"),
    ("other", "承诺未兑现：要截图", "请提供商家承诺赠品或服务的页面截图。"),
]
# Reasoning templates of every rule version: (title, text) for either side.
REASONING_TEMPLATES: list[tuple[str, str]] = [
    (
        "支持买家",
        "依据{rule}，订单{order}的买家申请¥{amount}。经核实，商家未能提供充分证据，"
        "支持买家诉求，由{store}退款。",
    ),
    (
        "支持商家",
        "依据{rule}，订单{order}（{delivered}签收）的现有证据不能证明买家所述问题，"
        "不支持买家诉求。",
    ),
]


# Tracking numbers in each carrier's format (orders.carriers checks them).
WAYBILLS = {
    "SF": "SF{:013d}",
    "YTO": "YT{:013d}",
    "JD": "JDVA{:011d}",
    "ZTO": "75{:012d}",
}
