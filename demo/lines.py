"""What the people of a demo case say, so that a case reads as one story.

Each reason has its own kit (`KITS`): the remedies a buyer asks for, the
description, the messages, the merchant's rejection, the evidence each side
is asked for and uploads (with the sample file it is), the ruling's
reasoning for either side, the appeals and the decisions on them. The
remedy adds its own lines (offers, proposals). A story draws every line from
its case's kit, so a size exchange never ends in a ruling about a waybill.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Proof:
    """One piece of evidence: what the agent asks for, what the party uploads
    (its description) and which sample file it is (`vocab.EVIDENCE_FILES`)."""

    ask: str
    upload: str
    file: str


@dataclass(frozen=True)
class Kit:
    remedies: tuple[str, ...]  # drawn with repetition as weight
    descriptions: dict[str, tuple[str, ...]]  # by category; "*": any category
    buyer: tuple[str, ...]  # the buyer insists (after a rejection)
    merchant: tuple[str, ...]  # the merchant answers in the negotiation
    rejections: tuple[str, ...]
    buyer_proof: tuple[Proof, ...]
    merchant_proof: tuple[Proof, ...]
    buyer_wins: tuple[str, ...]  # a ruling's reasoning
    merchant_wins: tuple[str, ...]
    buyer_appeals: tuple[str, ...]  # against a ruling for the merchant
    merchant_appeals: tuple[str, ...]  # against a ruling for the buyer
    overturned_for_buyer: tuple[str, ...]
    overturned_for_merchant: tuple[str, ...]
    # Who is liable when the buyer wins (drawn with repetition as weight).
    liable: tuple[str, ...] = ("merchant",)
    agent: tuple[str, ...] = ()  # what the agent says besides the usual
    notes: tuple[str, ...] = ()  # internal notes besides the usual
    withdrawals: tuple[str, ...] = ()
    compensates: bool = False  # the cited rule awards compensation (假一赔三)
    claim_share: tuple[float, float] | None = None  # part of the order claimed
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def description(self, category: str) -> tuple[str, ...]:
        return self.descriptions.get(category, self.descriptions["*"])


PHOTO, SCREENSHOT, WAYBILL = "photo", "screenshot", "waybill"
INSPECTION, LICENCE, VIDEO = "inspection", "licence", "video"

KITS: dict[str, Kit] = {
    "quality": Kit(
        remedies=(
            "return_refund",
            "return_refund",
            "refund_only",
            "exchange",
            "compensation",
        ),
        descriptions={
            "apparel": ("收到后发现开线、起球，洗了一次就变形了", "拉链坏了，拉不上"),
            "beauty": (
                "用了两次脸上发红发痒，怀疑成分有问题",
                "按压泵头坏了，按不出来",
            ),
            "food": ("打开后有异味，怀疑已经变质", "里面有好几颗是坏的"),
            "digital": ("用了两天就坏了，按键失灵", "充不进电，换了充电器也不行"),
            "home": ("用了几次涂层就脱落了", "保温效果很差，半小时就凉了"),
            "baby": ("零件松动，有安全隐患", "材质有刺鼻气味，不敢给孩子用"),
            "*": ("收到后发现质量问题，无法正常使用",),
        },
        buyer=("质量问题很明显，不是使用不当。", "刚用就出问题，希望按申请处理。"),
        merchant=(
            "亲，已经收到您的反馈，我们正在核实。",
            "麻烦拍一下问题部位的照片，方便我们处理。",
        ),
        rejections=(
            "商品出库前经过质检，所述情况属于正常使用痕迹。",
            "商品已使用较长时间，不属于质量问题。",
        ),
        buyer_proof=(
            Proof("请提供商品问题部位的清晰照片。", "问题部位照片", PHOTO),
            Proof("请提供问题出现过程的视频。", "问题演示视频截图", VIDEO),
        ),
        merchant_proof=(
            Proof("请提供该批次商品的出库质检记录。", "该批次出库质检报告", INSPECTION),
        ),
        buyer_wins=(
            "商家未能证明商品无质量问题，依据规则由商家承担举证不足的"
            "责任，支持买家诉求。",
        ),
        merchant_wins=(
            "现有证据不能证明商品存在质量问题，所述情况属于正常使用"
            "范围，不支持买家诉求。",
        ),
        buyer_appeals=("补充了第三方检测报告，证明商品存在质量问题。",),
        merchant_appeals=("补充了该批次的出库质检报告，商品发出时质量合格。",),
        overturned_for_buyer=(
            "申诉补充的检测报告证明商品存在质量问题，原裁定认定有误，改判支持买家。",
        ),
        overturned_for_merchant=(
            "商家补充的质检报告证明商品出库时质量合格，"
            "问题系使用不当所致，改判支持商家。",
        ),
        notes=("买家所述问题与同批次其他投诉一致。",),
    ),
    "not_as_described": Kit(
        remedies=("return_refund", "return_refund", "refund_only", "exchange"),
        descriptions={
            "apparel": ("尺码严重偏小，和详情页尺码表不符", "材质写的纯棉，实际是化纤"),
            "beauty": ("容量比页面写的少很多", "色号和直播间展示的差别很大"),
            "digital": ("页面写支持快充，实际不支持", "型号和详情页写的不一样"),
            "*": ("颜色和直播间展示的差别很大", "实物和详情页描述不一致"),
        },
        buyer=(
            "和详情页对比一下就清楚了。",
            "直播里说的和收到的完全不一样。",
        ),
        merchant=(
            "亲，已经收到您的反馈，我们正在核实。",
            "我们都是按详情页发货的，再帮您核对一下。",
        ),
        rejections=("商品与详情页描述一致，页面已注明可能存在的差异。",),
        buyer_proof=(
            Proof("请提供实物与详情页对比的照片。", "实物与详情页对比照片", PHOTO),
            Proof("请提供下单时的商品详情页截图。", "下单时的详情页截图", SCREENSHOT),
        ),
        merchant_proof=(
            Proof("请提供商品详情页的历史版本。", "详情页历史版本截图", SCREENSHOT),
        ),
        buyer_wins=(
            "经核实，实物与商品详情页描述不一致，构成描述不符，支持买家诉求。",
        ),
        merchant_wins=(
            "商品详情页已如实标注相关信息，实物与描述一致，不构成描述不符。",
        ),
        buyer_appeals=("补充了下单时的详情页截图，页面当时的描述与实物不符。",),
        merchant_appeals=("补充了详情页历史版本，下单时页面已如实标注。",),
        overturned_for_buyer=(
            "买家补充的下单时详情页截图证明页面未如实描述，改判支持买家。",
        ),
        overturned_for_merchant=(
            "商家补充的详情页历史版本证明下单时已如实标注，"
            "不构成描述不符，改判支持商家。",
        ),
    ),
    "not_received": Kit(
        remedies=("refund_only",),
        descriptions={
            "*": (
                "物流显示已签收，但我没有收到",
                "下单一周了物流一直没有更新",
                "快递被放在驿站，取件时说找不到",
            )
        },
        buyer=("我确实没有收到，也没有人代收。", "物流一直不动，麻烦给个说法。"),
        merchant=("亲，物流那边我们已经在催了。", "我们联系快递核实一下签收情况。"),
        rejections=(
            "物流显示本人签收，不同意退款。",
            "快递已送达驿站，请买家自行取件。",
        ),
        buyer_proof=(
            Proof(
                "请提供与快递员或驿站的沟通记录。", "与驿站的聊天记录截图", SCREENSHOT
            ),
        ),
        merchant_proof=(
            Proof("请提供物流签收底单或签收照片。", "物流签收底单", WAYBILL),
        ),
        buyer_wins=(
            "商家无法提供本人签收或授权代收凭证，支持买家退款。",
            "物流轨迹长时间未更新，包裹已丢失，支持买家退款。",
        ),
        merchant_wins=("物流记录显示包裹已由买家本人签收，买家诉求不成立。",),
        buyer_appeals=("签收底单上的签名不是我的，已补充驿站出具的说明。",),
        merchant_appeals=("补充了快递公司出具的签收证明，包裹已由买家本人签收。",),
        overturned_for_buyer=(
            "买家补充的驿站说明证明包裹未交付买家，改判支持买家退款。",
        ),
        overturned_for_merchant=(
            "快递公司出具的签收证明显示包裹已由买家本人签收，改判支持商家。",
        ),
        liable=("merchant", "logistics", "logistics"),
        agent=("平台已联系物流公司核实签收情况。",),
        notes=("物流轨迹显示派送异常，倾向支持买家。",),
        withdrawals=("快递找到了，撤销申请。",),
    ),
    "damaged": Kit(
        remedies=("refund_only", "refund_only", "return_refund", "exchange"),
        descriptions={
            "food": ("水果压坏了一大半，有些已经烂了", "包装破了，里面的东西洒了"),
            "beauty": ("收到时瓶子碎了，漏了一半", "外包装破损，粉饼碎了"),
            "*": ("外包装破损，里面的东西摔坏了", "收到时外壳就是裂的"),
        },
        buyer=("开箱时就是坏的。", "快递员也看到了，外包装是破的。"),
        merchant=(
            "亲，麻烦拍一下外包装和商品的照片。",
            "我们发货时都是完好的，正在联系快递。",
        ),
        rejections=("发货时包装完好，破损发生在运输途中，请联系快递理赔。",),
        buyer_proof=(
            Proof("请提供外包装和破损商品的照片。", "外包装与破损商品照片", PHOTO),
            Proof("请提供完整的开箱视频。", "开箱视频截图", VIDEO),
        ),
        merchant_proof=(Proof("请提供发货时的打包照片。", "发货打包照片", PHOTO),),
        buyer_wins=(
            "商品到货时已破损，依据规则由商家先行赔付，再向"
            "物流公司追偿，支持买家诉求。",
        ),
        merchant_wins=("现有证据不能证明商品到货时已破损，不支持买家诉求。",),
        buyer_appeals=("补充了完整的开箱视频，开箱时商品已经破损。",),
        merchant_appeals=("补充了发货打包视频，商品发出时包装完好。",),
        overturned_for_buyer=("买家补充的开箱视频证明商品到货即破损，改判支持买家。",),
        overturned_for_merchant=(
            "商家补充的打包视频和物流记录证明破损非运输所致，改判支持商家。",
        ),
        liable=("merchant", "logistics"),
        agent=("平台已联系物流公司核实运输情况。",),
        notes=("开箱视频完整，破损清晰可见。",),
    ),
    "missing_parts": Kit(
        remedies=("refund_only", "refund_only", "compensation"),
        descriptions={
            "digital": ("缺少充电线和说明书", "配件少了一个"),
            "food": ("订单是两盒，只收到一盒", "礼盒里少了两样"),
            "*": ("少发了一件，订单是两件", "赠品没有发"),
        },
        buyer=("快递面单上的重量也对不上。", "打开包裹就发现少了。"),
        merchant=(
            "亲，麻烦提供一下开箱视频，方便我们核实。",
            "我们查一下仓库的出库记录。",
        ),
        rejections=("出库称重记录显示重量与订单一致，不存在少发。",),
        buyer_proof=(Proof("请提供开箱视频或快递面单重量。", "开箱视频截图", VIDEO),),
        merchant_proof=(Proof("请提供出库称重记录。", "出库称重记录", INSPECTION),),
        buyer_wins=("商家未能提供出库完整的证明，依据规则支持买家按比例退款。",),
        merchant_wins=("现有证据不能证明缺件，不支持买家诉求。",),
        buyer_appeals=("补充了完整的开箱视频，能看到包裹里缺少的配件。",),
        merchant_appeals=("补充了出库称重和打包视频，出库时配件齐全。",),
        overturned_for_buyer=("买家补充的开箱视频证明商品缺件，改判支持买家。",),
        overturned_for_merchant=(
            "商家补充的打包视频证明出库时配件齐全，改判支持商家。",
        ),
        notes=("面单重量与出库称重相差明显。",),
        claim_share=(0.2, 0.6),
    ),
    "counterfeit": Kit(
        remedies=("return_refund", "refund_only"),
        descriptions={
            "*": ("防伪码查询不到，怀疑是假货", "做工和专柜差别很大，像是仿品")
        },
        buyer=("防伪码在品牌官网查不到。", "和专柜买的对比，差别很明显。"),
        merchant=("亲，我们是品牌授权店铺，保证正品。", "可以提供品牌授权书给您看。"),
        rejections=("本店为品牌授权店铺，商品均为正品，可提供授权书和进货凭证。",),
        buyer_proof=(
            Proof("请提供防伪查询结果截图。", "防伪查询结果截图", SCREENSHOT),
            Proof("请提供与正品对比的照片。", "与专柜正品的对比照片", PHOTO),
        ),
        merchant_proof=(Proof("请提供品牌授权书或进货凭证。", "品牌授权书", LICENCE),),
        buyer_wins=(
            "商家未能提供品牌授权或合法进货凭证，认定售假，支持买家退款，"
            "并依据规则假一赔三。",
        ),
        merchant_wins=(
            "经核实，商家具备品牌授权，进货来源合法，现有证据不能认定售假。",
        ),
        buyer_appeals=("补充了品牌方出具的鉴定结果，确认为假货。",),
        merchant_appeals=("补充了品牌方出具的授权证明和该批次进货凭证。",),
        overturned_for_buyer=(
            "品牌方鉴定结果确认商品为假冒，改判支持买家，并依据规则假一赔三。",
        ),
        overturned_for_merchant=(
            "商家补充的授权证明和进货凭证证明商品来源合法，改判支持商家。",
        ),
        notes=("商家此前有同类售假投诉，已记录。",),
        compensates=True,
    ),
    "return_exchange": Kit(
        remedies=("exchange", "exchange", "return_refund"),
        descriptions={
            "apparel": ("尺码不合适，偏小一号", "颜色和想象的不一样，不喜欢"),
            "baby": ("孩子穿着小了一码", "买重复了，还没拆封"),
            "*": ("不喜欢，还没拆封", "买重复了，还没拆封"),
        },
        buyer=("商品没有用过，吊牌都在。", "七天无理由，应该可以退换吧。"),
        merchant=(
            "亲，吊牌完好、不影响二次销售的话可以处理。",
            "麻烦拍一下吊牌和包装。",
        ),
        rejections=("吊牌已剪，影响二次销售，不支持无理由退换。",),
        buyer_proof=(
            Proof("请提供商品、吊牌和包装完好的照片。", "商品与吊牌照片", PHOTO),
        ),
        merchant_proof=(
            Proof("请提供退回商品的验收照片。", "退回商品验收照片", PHOTO),
        ),
        buyer_wins=("商品未经使用、吊牌完好，符合七天无理由退换条件，支持买家诉求。",),
        merchant_wins=(
            "商品吊牌已拆且有使用痕迹，影响二次销售，不符合无理由退换条件。",
        ),
        buyer_appeals=("补充了吊牌完好的照片，商品只是试穿过。",),
        merchant_appeals=("补充了退回商品的验收照片，商品有明显使用痕迹。",),
        overturned_for_buyer=(
            "买家补充的照片证明吊牌完好、商品未使用，改判支持买家。",
        ),
        overturned_for_merchant=(
            "验收照片显示商品有明显使用痕迹，不符合无理由退换条件，改判支持商家。",
        ),
        withdrawals=("尺码问题和商家沟通好了，不换了。",),
    ),
    "other": Kit(
        remedies=("compensation", "compensation", "refund_only"),
        descriptions={"*": ("商家承诺的赠品没有兑现", "直播间说下单送的赠品没有发")},
        buyer=("直播间里明确说了有赠品。", "下单前客服也说了有赠品。"),
        merchant=("亲，我们核实一下活动规则。", "赠品是限量的，已经送完了。"),
        rejections=("活动页面已注明赠品数量有限、送完即止。",),
        buyer_proof=(
            Proof("请提供商家承诺赠品的页面截图。", "活动页面截图", SCREENSHOT),
        ),
        merchant_proof=(
            Proof("请说明承诺的赠品的发放情况。", "活动规则截图", SCREENSHOT),
        ),
        buyer_wins=("经核实，商家承诺的赠品未兑现，支持买家获得相应补偿。",),
        merchant_wins=("活动规则已注明限量，商家已按规则兑现，不支持买家诉求。",),
        buyer_appeals=("补充了直播回放截图，主播承诺人人有赠品。",),
        merchant_appeals=("补充了活动规则页面，已注明赠品送完即止。",),
        overturned_for_buyer=("直播回放证明商家承诺人人有赠品，改判支持买家。",),
        overturned_for_merchant=("活动规则页面已注明限量，改判支持商家。",),
    ),
}

# Every case, whatever its reason.
CHASES = ("商家你好，麻烦尽快处理一下，谢谢。", "已经等了一天了，商家还没有回复。")
AGREES = (
    "亲，非常抱歉给您带来不便，马上为您处理。",
    "给您添麻烦了，我们这边同意您的申请。",
)
OFFER_ACCEPTED = ("好的，那就按这个金额吧。", "可以，麻烦尽快退款。")
OFFER_REFUSED = (
    "这个金额我不能接受，希望按申请金额处理。",
    "退这么少不合理，我要申请平台介入。",
)
AGENT_OPENS = (
    "您好，我是平台客服，已受理您的投诉，将在规定时间内核实处理。",
    "请双方在规定时间内补充证据，逾期将按现有证据处理。",
)
AGENT_MEDIATES = ("平台已开始调解，请双方查看调解方案并在规定时间内确认。",)
NOTES = ("该买家近90天有多次售后记录，注意核实。", "商家电话未接通，已短信通知。")
BUYER_WANTS_MORE = ("裁定金额不足以弥补损失，申请按申请金额全额支持。",)
OVERTURNED_IN_FULL = (
    "申诉补充的材料证明损失覆盖申请金额，原裁定金额偏低，改判全额支持买家。",
)
UPHELD = (
    "申诉材料不足以推翻原裁定，维持原裁定。",
    "经复核，原裁定事实清楚、适用规则正确，维持原裁定。",
)
WITHDRAWALS = ("已和商家私下沟通解决。", "")

# The remedy's own lines: the merchant's counter-offer and the agent's proposal.
OFFERS = {
    "refund_only": (
        "商品不用退回，给您退一部分款，您看可以吗？",
        "可以退一部分货款，希望您理解。",
    ),
    "return_refund": ("退货来回运费不划算，商品您留着，给您部分退款。",),
    "exchange": ("这款暂时缺货换不了，先给您部分退款作为补偿。",),
    "compensation": ("给您补偿一部分，希望您理解。",),
}
PROPOSALS = {
    "refund_only": ("经调解，建议商家按上述金额退款，买家保留商品。",),
    "return_refund": ("经调解，建议买家退回商品，商家按上述金额退款并承担退货运费。",),
    "exchange": ("经调解，暂时无法换货，建议商家按上述金额退款。",),
    "compensation": ("经调解，建议商家按上述金额给予补偿。",),
}

# Why a ruling goes against the similar cases' majority (a departure reason).
DEPARTURE_REASONS = (
    "本案买家提供了开箱视频，能证明收到时即有问题，与多数类案证据不足的情形不同。",
    "本案商家提供了完整的发货检验记录和物流签收照片，与多数类案商家无法举证的情形不同。",
    "本案申请金额仅为订单的一小部分，且双方对事实无争议，不宜照搬多数类案的结果。",
)
