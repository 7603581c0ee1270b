"""The seven annex forms of the regulation, declared once.

Labels are copied from the regulation's annexes (``toolkit/data/regulation.txt``)
with the alignment spaces removed; ``tests/test_model.py`` checks every printed
cell of the regulation against these declarations.  Everything else (DOCX and
PDF templates, field names, parsers, validation, the JSON Schema) reads them.

Besides the forms, two data blocks that no annex prints are declared here with
the same building blocks: ``declared`` (article 6 figures the forms do not
carry) and ``record`` (a recognised platform's history for articles 14-16).
"""
from __future__ import annotations

from .fields import Annex, Field, FieldType as T, Group, Row, Section, Table, Text

# 青海省 prefecture-level divisions (所在市（州）).
CITIES = (
    "西宁市", "海东市", "海北藏族自治州", "黄南藏族自治州", "海南藏族自治州",
    "果洛藏族自治州", "玉树藏族自治州", "海西蒙古族藏族自治州",
)
EDUCATION = ("博士研究生", "硕士研究生", "大学本科", "大专", "中专", "高中及以下")
UNIT_NATURE = ("企业法人", "事业单位法人", "社会团体法人", "民办非企业单位")

YMD = "年月日"          # the blank of a date printed as ____年__月__日

PLATFORM = "青海省中小企业公共服务示范平台"


def _recommendation_form(review: bool) -> Annex:
    """附件1 申请推荐表 and 附件7 复核申请推荐表 share their content."""
    who = "复核单位" if review else "申请单位"
    opinion = (
        Field("review_opinion", "市（州）中小企业主管部门复核意见", T.MULTILINE)
        if review else
        Field("bureau_opinion", "市（州）中小企业主管部门审核意见（不少于20字）", T.MULTILINE,
              min_length=20, hint="由市（州）中小企业主管部门填写")
    )
    cover = None if review else Section("cover", None, (
        Text(PLATFORM),
        Text("申请推荐表"),
        Field("unit_name", "单位名称", required=True),
        Field("platform_name", "申报平台名称", required=True),
        Field("city", "所在市（州）", T.CHOICE, required=True, choices=CITIES, choice_list=True),
        Field("fill_date", "填报日期", T.DATE, required=True, blank=YMD),
        Text("青海省工业和信息化厅制"),
    ))
    unit_field = (Field("unit_name", "复核单位名称", required=True, printed=False),) if review else ()
    sections = (
        Section("header", None, unit_field + (
            Field("applicant", "申请单位（盖章）", hint="填写单位全称并加盖公章"),
        )),
        Section("basic", f"一、平台（{who}）基本情况", (
            Row((Field("reg_date", "注册日期", T.DATE, required=True),
                 Field("unit_nature", "单位性质", required=True, suggestions=UNIT_NATURE),
                 Field("legal_rep", "法人代表", required=True))),
            Row((Field("reg_address", "注册地址", required=True),
                 Field("postcode", "邮政编码", T.POSTCODE, required=True))),
            Row((Field("contact", "联系人", required=True),
                 Field("phone", "联系电话", T.PHONE, required=True),
                 Field("mobile", "手机", T.PHONE),
                 Field("fax", "传真", T.PHONE))),
            Row((Field("email", "电子邮件", T.EMAIL, required=True),
                 Field("website", "网址（已建网站的填写）", T.URL))),
            Field("registered_capital", "注册资本", T.AMOUNT, unit="万元", required=True),
            Text("其中："),
            Table("investors", "主要投资方", printed_label=False, min_rows=1, printed_rows=4, columns=(
                Field("name", "主要投资方名称", required=True),
                Field("nature", "性质"),
                Field("share_pct", "投资比例", T.PERCENT, unit="％"),
            )),
            Field("total_assets", "总资产", T.AMOUNT, unit="万元", required=True),
            Field("facility_software_pct", "其中：服务设施、软件占总资产的", T.PERCENT, unit="％"),
            Row((Field("equipment_count", "仪器设备", T.INTEGER, unit="台（套）"),
                 Field("equipment_pct", "占总资产的", T.PERCENT, unit="％"))),
            Row((Field("site_area", "场地面积", T.NUMBER, unit="平米", required=True),
                 Field("site_nature", "性质", T.CHOICE, choices=("租用", "自有"), required=True),
                 Field("own_site_pct", "自有场地占总资产的", T.PERCENT, unit="％"))),
            Row((Field("staff_count", "从业人数", T.INTEGER, unit="人", required=True),
                 Field("professional_count", "其中：大专及以上学历和中级及以上技术职称的专业人员",
                       T.INTEGER, unit="人", required=True))),
        )),
        Section("operations", "二、近三年平台运营管理（单位：万元）", (
            Table("operations", "近三年平台运营管理", printed_label=False, min_rows=3, printed_rows=3,
                  columns=(
                      Field("year", "年度", T.YEAR, required=True),
                      Field("revenue", "营业收入", T.AMOUNT, unit="万元", required=True),
                      Field("service_revenue", "其中：服务收入", T.AMOUNT, unit="万元", required=True),
                      Field("profit", "利润总额", T.AMOUNT, unit="万元", allow_negative=True),
                      Field("service_cost", "服务成本支出", T.AMOUNT, unit="万元"),
                      Field("served_count", "服务中小企业户（次）数", T.INTEGER, required=True),
                      Field("agreement_count", "其中：签订服务协议户数", T.INTEGER),
                  )),
        )),
        Section("capability", "三、服务能力及业绩", (
            Field("qualifications", "获得专业服务资质情况", T.MULTILINE),
            Table("products", "主要服务产品", printed_label=False, min_rows=1, printed_rows=3, columns=(
                Field("product", "主要服务产品", required=True),
                Field("scale", "服务规模（家、人/次）"),
                Field("revenue_share_pct", "服务收入占年营业收入", T.PERCENT, unit="％"),
            )),
            Text("合作资源"),
            Row((Field("coop_signed", "签订合作协议的单位", T.MULTILINE, hint="每行一家单位"),
                 Field("coop_other", "其他合作单位", T.MULTILINE, hint="每行一家单位"))),
            Field("it_services", "运用信息技术开展服务情况", T.MULTILINE),
            Field("honors", "获得市级及以上部门授予的荣誉证书或证明", T.MULTILINE),
        )),
        Section("support", "四、政府支持情况", (
            Field("gov_support", "得到政府扶持的情况", T.MULTILINE),
            Field("recognition_docs", "市级及以上部门认定为公共服务平台的文件名及文号", T.MULTILINE),
        )),
        Section("opinion", "五、中小企业主管部门审核推荐意见", (
            opinion,
            Text("（单位盖章）"),
            Field("opinion_date", "意见日期", T.DATE, printed=False, blank=YMD),
        ), stacked=True),
    )
    return Annex(
        id="annex7" if review else "annex1",
        number=7 if review else 1,
        title=PLATFORM + ("复核申请推荐表" if review else "申请推荐表"),
        cover=cover,
        sections=sections,
        description=("有效期满申请复核的示范平台填写" if review else "申报单位填写，市（州）主管部门填写审核推荐意见"),
    )


ANNEX1 = _recommendation_form(review=False)
ANNEX7 = _recommendation_form(review=True)

ANNEX2 = Annex(
    id="annex2", number=2, title="申请报告提纲",
    description="申请报告，按提纲八个部分撰写",
    sections=(
        Section("header", None, (
            Field("unit_name", "申请单位名称", required=True, printed=False),
        )),
        Section("report", None, (
            Field("s1_basics", "1.申请单位的基本情况(包括创立发展沿革、发展目标、目前基本情况)",
                  T.MULTILINE, required=True),
            Field("s2_region", "2、服务对象所在区域的行业状况，在区域经济发展中的地位、作用，"
                  "中小微型企业发展情况和公共服务需求情况", T.MULTILINE, required=True),
            Field("s3_management", "3、管理运营情况(包括：主要管理制度、人员激励、服务能力提升、"
                  "品牌建设、可持续发展等)", T.MULTILINE, required=True),
            Field("s4_services", "4、近三年的服务情况(包括：主要服务内容、服务对象、规模、方式、收费等)",
                  T.MULTILINE, required=True),
            Field("s5_achievements", "5、主要服务业绩及对区域经济和中小企业健康发展的贡献(包括典型案例)",
                  T.MULTILINE, required=True),
            Field("s6_support", "6、获得各部门及各级政府扶持的情况说明及佐证材料", T.MULTILINE,
                  required=True),
            Field("s7_photos_text", "7、服务场地和服务设施设备实景照片", T.MULTILINE),
            Table("photos", "实景照片", printed_label=False, min_rows=1, printed_rows=0, columns=(
                Field("file", "照片文件", T.IMAGE, required=True, printed=False),
                Field("caption", "照片说明", printed=False),
            )),
            Field("s8_plan", "8、下一步发展规划或年度运营计划", T.MULTILINE, required=True),
        ), stacked=True),
    ),
)

_FOOTER = (Row((Field("filler", "填表人"), Field("filler_phone", "联系电话", T.PHONE))),)

ANNEX3 = Annex(
    id="annex3", number=3, title="服务平台主要从业人员情况表",
    description="第五条第（四）项：从业人数不少于15人",
    sections=(
        Section("header", None, (Field("applicant", "申报单位（盖章）", required=True),)),
        Section("staff", None, (
            Table("staff", "从业人员", printed_label=False, numbered=True, min_rows=15,
                  printed_rows=13,
                  groups=(Group("教育情况", ("education", "school_major")),
                          Group("专业资质情况", ("certificate", "issuer"))),
                  columns=(
                      Field("name", "姓名", required=True),
                      Field("post", "岗位", required=True),
                      Field("education", "学历", required=True, suggestions=EDUCATION),
                      Field("school_major", "毕业院校及专业"),
                      Field("certificate", "资格证名称"),
                      Field("issuer", "发证机关"),
                      Field("years", "在服务平台工作年限", T.NUMBER, unit="年"),
                      Field("phone", "联系电话", T.PHONE),
                  )),
        )),
        Section("footer", None, _FOOTER),
    ),
)

ANNEX4 = Annex(
    id="annex4", number=4, title="服务平台服务设施、软件、仪器设备清单",
    description="服务设施、软件、仪器设备，设备原值单位：万元",
    sections=(
        Section("header", None, (
            Field("applicant", "申报单位（盖章）", required=True),
            Text("单位：万元"),
        )),
        Section("equipment", None, (
            Table("equipment", "设备清单", printed_label=False, numbered=True, min_rows=1,
                  printed_rows=13, total_label="合计", total_columns=("quantity", "value"),
                  columns=(
                      Field("item", "设备设施", required=True),
                      Field("function", "功能"),
                      Field("quantity", "数量", T.INTEGER, required=True),
                      Field("value", "设备原值", T.AMOUNT, unit="万元", required=True),
                      Field("note", "备注"),
                  )),
            Row((Field("total_quantity", "合计数量", T.INTEGER, printed=False),
                 Field("total_value", "合计设备原值", T.AMOUNT, unit="万元", printed=False))),
        )),
        Section("footer", None, _FOOTER),
    ),
)

ANNEX5 = Annex(
    id="annex5", number=5, title="平台服务中小企业名单及满意度评价表",
    description="第五条第（三）项：年服务中小企业不少于50家，满意度80%以上",
    sections=(
        Section("header", None, (
            Field("unit_name", "申报单位名称", required=True, printed=False),
        )),
        Section("enterprises", None, (
            Table("enterprises", "服务企业", printed_label=False, numbered=True, min_rows=50,
                  printed_rows=14, choice_columns=("satisfaction",),
                  groups=(Group("企业满意度", ("satisfaction",)),),
                  columns=(
                      Field("name", "服务企业名称", required=True),
                      Field("contact", "联系人"),
                      Field("phone", "联系电话", T.PHONE),
                      Field("service", "服务内容简述"),
                      Field("satisfaction", "企业满意度", T.CHOICE, choices=("满意", "不满意"),
                            required=True, printed=False),
                  )),
        )),
        Section("footer", None, (
            Row((Field("served_total", "上一年度共服务企业", T.INTEGER, unit="家", required=True),
                 Field("satisfaction_rate", "总体满意率", T.PERCENT, unit="%", required=True))),
        )),
    ),
)

ANNEX6 = Annex(
    id="annex6", number=6, title=PLATFORM + "运营情况汇总表", landscape=True,
    description="市（州）/园区中小企业主管部门汇总，每年7月20日和次年1月30日前报送",
    texts=("本表由各示范平台填报至各市州/园区中小企业主管部门，由各市州/园区中小企业主管部门汇总后，"
           "于每年7月20日和次年1月30日前报省工业和信息化厅中小企业发展局。",),
    sections=(
        Section("header", None, (
            Field("year", "年度", T.YEAR, required=True, printed=False, blank="（年度）"),
            Field("bureau", "市（州）/园区工信局（盖章）", required=True),
            Text("单位：万元、人、家、平方米"),
            Row((Field("filler", "填报人", required=True),
                 Field("filler_phone", "联系电话", T.PHONE, required=True),
                 Field("fill_date", "填报时间", T.DATE, required=True))),
        )),
        Section("platforms", None, (
            Table("platforms", "示范平台", printed_label=False, numbered=True, min_rows=1,
                  printed_rows=7,
                  groups=(
                      Group("员工数", ("staff_total", "staff_college", "staff_mid_title")),
                      Group("服务企业数", ("served_cumulative", "served_new", "served_growth_pct",
                                      "served_agreements")),
                      Group("营业收入", ("revenue_new", "revenue_growth_pct")),
                      Group("其中：服务收入", ("service_revenue_new", "service_revenue_growth_pct")),
                      Group("利润", ("profit_new", "profit_growth_pct")),
                      Group("上缴税金", ("tax_new", "tax_growth_pct")),
                      Group("举办服务活动场次", ("events_cumulative", "events_new")),
                      Group("其中：以政府名义举办场次", ("gov_events_cumulative", "gov_events_new")),
                  ),
                  columns=(
                      Field("platform_name", "平台名称", required=True),
                      Field("contact", "联系人"),
                      Field("phone", "联系电话", T.PHONE),
                      Field("site_area", "服务场地面积", T.NUMBER, unit="平方米"),
                      Field("staff_total", "总人数", T.INTEGER, unit="人"),
                      Field("staff_college", "其中：大专（含）以上学历", T.INTEGER, unit="人"),
                      Field("staff_mid_title", "中级（含）以上技术职称", T.INTEGER, unit="人"),
                      Field("served_cumulative", "累计数", T.INTEGER, unit="家"),
                      Field("served_new", "新增数", T.INTEGER, unit="家"),
                      Field("served_growth_pct", "同比增长（%）", T.PERCENT, allow_negative=True,
                            max_value=1e9),
                      Field("served_agreements", "签订服务协议户数", T.INTEGER, unit="家"),
                      Field("revenue_new", "新增金额", T.AMOUNT, unit="万元"),
                      Field("revenue_growth_pct", "同比增长（%）", T.PERCENT, allow_negative=True,
                            max_value=1e9),
                      Field("service_revenue_new", "新增金额", T.AMOUNT, unit="万元"),
                      Field("service_revenue_growth_pct", "同比增长（%）", T.PERCENT,
                            allow_negative=True, max_value=1e9),
                      Field("profit_new", "新增金额", T.AMOUNT, unit="万元", allow_negative=True),
                      Field("profit_growth_pct", "同比增长（%）", T.PERCENT, allow_negative=True,
                            max_value=1e9),
                      Field("tax_new", "新增金额", T.AMOUNT, unit="万元"),
                      Field("tax_growth_pct", "同比增长（%）", T.PERCENT, allow_negative=True,
                            max_value=1e9),
                      Field("events_cumulative", "累计数", T.INTEGER),
                      Field("events_new", "新增数", T.INTEGER),
                      Field("gov_events_cumulative", "累计数", T.INTEGER),
                      Field("gov_events_new", "新增数", T.INTEGER),
                  )),
        )),
    ),
)

# --- data blocks that no annex prints -------------------------------------------------

DECLARED = Annex(
    id="declared", number=None, title="第六条服务功能申报数据",
    description="附件未载明的第六条指标，由申报单位自行申报（需提供佐证材料）",
    sections=(Section("article6", None, (
        Field("info_offline_enterprises", "信息服务：线下年服务企业数量", T.INTEGER, unit="家"),
        Field("info_activities", "信息服务：年组织开展服务活动次数", T.INTEGER, unit="次"),
        Field("tech_activities", "技术服务：年开展服务活动次数", T.INTEGER, unit="次"),
        Field("startup_activities", "创业服务：年开展创业项目洽谈、推介活动次数", T.INTEGER, unit="次"),
        Field("training_person_times", "培训服务：年培训人次", T.INTEGER, unit="人次"),
        Field("financing_activities", "融资服务：年组织开展服务活动次数", T.INTEGER, unit="次"),
        Field("financing_amount", "融资服务：帮助中小企业融资总额", T.AMOUNT, unit="万元"),
        Field("guarantee_new_amount", "融资担保机构：年新增担保额", T.AMOUNT, unit="万元"),
        Field("is_guarantor", "是否为融资担保机构", T.CHECK),
    )),),
)

RECORD = Annex(
    id="record", number=None, title="示范平台管理记录",
    description="已认定示范平台的认定与管理记录（第十四条至第十六条）",
    sections=(Section("record", None, (
        Field("recognized_on", "认定日期", T.DATE),
        Field("complaints", "被中小企业投诉次数", T.INTEGER, unit="次"),
        Field("admin_penalty", "受到有关行政部门处分", T.CHECK),
        Field("judicial_penalty", "被司法机关处罚", T.CHECK),
        Field("credit_blacklist", "被列入“信用青海”征信系统黑名单", T.CHECK),
        Field("missed_reports", "未报送（半）年度总结报告次数", T.INTEGER, unit="次"),
    )),),
)

ANNEXES: tuple[Annex, ...] = (ANNEX1, ANNEX2, ANNEX3, ANNEX4, ANNEX5, ANNEX6, ANNEX7)
BLOCKS: tuple[Annex, ...] = ANNEXES + (DECLARED, RECORD)
BY_ID = {a.id: a for a in BLOCKS}


def annex(key: int | str) -> Annex:
    """``annex(3)``, ``annex("annex3")`` or ``annex("declared")``."""
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        n = int(key)
        if not 1 <= n <= len(ANNEXES):
            raise KeyError(f"没有附件{n}（附件编号为1至7）")
        return ANNEXES[n - 1]
    return BY_ID[key]
