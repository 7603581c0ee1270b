"""Regenerate the bundled samples (samples/*.yaml and samples/attachments/).

Run from the repository root: ``python tools/make_samples.py``.  Output is
deterministic (seeded).  Every unit, person and enterprise is fictional:
phone numbers use reserved-looking patterns and e-mail uses example.cn.
Needs Pillow and a CJK font (Debian's fonts-noto-cjk or pylopdf-fonts-zh-cn)
only to draw the attachment images; the YAML files need neither.
"""
from __future__ import annotations

import copy
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "samples"
ATT = OUT / "attachments"

UNIT = "青海堃元中小企业服务有限公司"
PLATFORM = "西宁市中小企业综合服务平台（示例）"

SURNAMES = "王李张刘陈杨马赵黄周吴孙朱胡郭何罗韩"
GIVEN = ["喆", "堃", "晓燕", "海军", "玉兰", "建国", "文博", "雪梅", "志强", "卓玛", "才让",
         "德吉", "国庆", "春花", "𠀀芳", "永福", "秀英", "明辉", "丽娟", "占武"]
POSTS = ["平台主任", "副主任", "技术总监", "信息服务专员", "培训主管", "融资服务专员", "检测工程师",
         "创业辅导师", "财务主管", "客服专员", "软件工程师", "项目经理", "法律顾问", "市场专员"]
SCHOOLS = ["青海大学 计算机科学与技术", "青海师范大学 工商管理", "青海民族大学 会计学",
           "兰州大学 经济学", "西北师范大学 汉语言文学", "青海大学 机械工程", "西宁城市职业技术学院 电子商务",
           "青海建筑职业技术学院 工程管理"]
CERTS = [("中级经济师", "人力资源和社会保障部"), ("高级工程师", "青海省人力资源和社会保障厅"),
         ("中级会计师", "财政部"), ("工程师（中级）", "青海省人力资源和社会保障厅"), ("", ""),
         ("助理工程师", "西宁市人力资源和社会保障局"), ("律师执业证", "青海省司法厅")]
TRADES = ["牦牛乳制品", "枸杞深加工", "藏毯织造", "光伏组件", "锂电材料", "青稞酒酿造", "中藏药",
          "冷链物流", "高原蔬菜", "电子商务", "建材", "文化旅游", "软件开发", "机械加工"]
SERVICES = ["政策信息推送与申报辅导", "财务代理与税务咨询", "产品检验检测", "知识产权代理",
            "融资对接", "员工技能培训", "创业辅导", "管理咨询", "电商运营培训", "质量品牌诊断"]


def person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def mobile(rng):
    return "139" + "".join(rng.choice("0123456789") for _ in range(8))


def staff_rows(rng, n, qualified):
    rows = []
    for i in range(n):
        q = i < qualified
        edu = rng.choice(["大学本科", "硕士研究生", "大专"]) if q else rng.choice(["中专", "高中及以下"])
        cert, issuer = rng.choice(CERTS[:4]) if (q and i % 3 == 0) else rng.choice(CERTS[4:])
        rows.append({
            "name": person(rng), "post": POSTS[i % len(POSTS)], "education": edu,
            "school_major": rng.choice(SCHOOLS) if edu not in ("高中及以下",) else "",
            "certificate": cert, "issuer": issuer,
            "years": rng.randint(1, 8), "phone": mobile(rng),
        })
    return rows


def enterprise_rows(rng, n, unhappy):
    rows = []
    for i in range(n):
        trade = TRADES[i % len(TRADES)]
        city = rng.choice(["西宁", "海东", "湟中", "大通", "互助", "格尔木"])
        name = f"{city}{'喆堃'[i % 2] if i % 9 == 0 else ''}{trade}示例有限公司第{i + 1}号"
        rows.append({
            "name": name, "contact": person(rng), "phone": mobile(rng),
            "service": rng.choice(SERVICES),
            "satisfaction": "不满意" if i in unhappy else "满意",
        })
    return rows


def equipment_rows():
    return [
        {"item": "中小企业服务信息系统（软件）", "function": "政策推送、在线咨询、需求对接", "quantity": 1, "value": 86.5, "note": "自主开发"},
        {"item": "服务器", "function": "平台系统运行", "quantity": 6, "value": 48.0, "note": ""},
        {"item": "光谱分析仪", "function": "材料成分检测", "quantity": 2, "value": 62.8, "note": "向企业开放共享"},
        {"item": "电子万能试验机", "function": "力学性能检测", "quantity": 1, "value": 35.6, "note": "向企业开放共享"},
        {"item": "培训教室多媒体设备", "function": "线上线下培训", "quantity": 4, "value": 18.2, "note": ""},
        {"item": "视频会议系统", "function": "远程对接、线上活动", "quantity": 2, "value": 12.4, "note": ""},
        {"item": "办公计算机", "function": "日常服务", "quantity": 24, "value": 14.4, "note": ""},
        {"item": "财务软件（正版）", "function": "代理记账服务", "quantity": 2, "value": 6.1, "note": ""},
    ]


def report_sections(unit, city):
    return {
        "s1_basics": f"{unit}成立于2018年，是在{city}注册的独立法人单位，专门面向中小微企业提供公共服务。"
                     "平台从政策信息服务起步，逐步拓展到检验检测、培训、融资对接和创业辅导，"
                     "目标是建成覆盖全市主要产业集群的综合性服务平台。\n目前平台有专职人员18人，服务场地1200平方米。",
        "s2_region": f"{city}中小企业以高原特色农畜产品加工、新能源新材料和商贸物流为主，"
                     "小微企业占比高，融资难、人才缺、信息不对称的问题突出，对政策解读、检测认证和融资对接需求迫切。",
        "s3_management": "平台建立了服务质量管理、收费公示、客户回访和投诉处理等制度，"
                         "实行服务项目负责制和绩效考核；每年开展员工培训不少于40学时；“堃元服务”品牌已在区域内形成认知。",
        "s4_services": "近三年累计服务企业163家（次），主要内容包括政策信息推送、检验检测、员工培训、融资对接；"
                       "服务方式为线上平台与线下活动结合，基础信息服务免费，检测与代理服务按公示标准收费。",
        "s5_achievements": "典型案例：帮助一家牦牛乳制品企业完成产品检测与质量诊断，产品进入省外商超；"
                           "组织银企对接会6场，帮助企业获得贷款1.2亿元。",
        "s6_support": "2024年获得市级中小企业公共服务体系建设补助资金50万元（佐证材料见附件）。",
        "s7_photos_text": "以下为服务大厅、检测实验室和培训教室实景照片。",
        "photos": [
            {"file": "attachments/photo-hall.png", "caption": "服务大厅"},
            {"file": "attachments/photo-lab.png", "caption": "检测实验室"},
            {"file": "attachments/photo-classroom.png", "caption": "培训教室"},
        ],
        "s8_plan": "2026年计划新增服务企业不少于60家，开展培训1000人次，建设线上服务专区，"
                   "推动检测设备共享，并争创国家中小企业公共服务示范平台。",
    }


def good():
    rng = random.Random(2026)
    staff = staff_rows(rng, 18, 14)
    enterprises = enterprise_rows(rng, 56, unhappy={7, 31})
    equipment = equipment_rows()
    qty = sum(r["quantity"] for r in equipment)
    value = round(sum(r["value"] for r in equipment), 2)
    return {
        "format": "qhsme-application/1",
        "id": "XN-2026-001",
        "annex1": {
            "unit_name": UNIT, "platform_name": PLATFORM, "city": "西宁市", "fill_date": "2026-03-15",
            "applicant": UNIT, "reg_date": "2018-06-12", "unit_nature": "企业法人", "legal_rep": "李喆",
            "reg_address": "青海省西宁市城西区五四西路示例大厦8层（801室）", "postcode": "810008",
            "contact": "马𠀀兰", "phone": "0971-6100001", "mobile": "13997100001", "fax": "0971-6100002",
            "email": "service@example.cn", "website": "https://www.example.cn",
            "registered_capital": 500,
            "investors": [
                {"name": "青海示例投资集团有限公司", "nature": "企业法人", "share_pct": 60},
                {"name": "李喆", "nature": "自然人", "share_pct": 40},
            ],
            "total_assets": 1280.5, "facility_software_pct": 35, "equipment_count": qty,
            "equipment_pct": 28, "site_area": 1200, "site_nature": "租用",
            "staff_count": len(staff), "professional_count": 14,
            "operations": [
                {"year": 2023, "revenue": 612.4, "service_revenue": 455.0, "profit": 38.2,
                 "service_cost": 390.1, "served_count": 52, "agreement_count": 36},
                {"year": 2024, "revenue": 688.9, "service_revenue": 520.6, "profit": 45.7,
                 "service_cost": 431.5, "served_count": 55, "agreement_count": 38},
                {"year": 2025, "revenue": 745.3, "service_revenue": 580.2, "profit": 51.0,
                 "service_cost": 470.8, "served_count": len(enterprises), "agreement_count": 40},
            ],
            "qualifications": "检验检测机构资质认定证书（CMA）\n知识产权服务机构备案",
            "products": [
                {"product": "政策信息与申报辅导", "scale": "56家", "revenue_share_pct": 20},
                {"product": "检验检测服务", "scale": "31家", "revenue_share_pct": 45},
                {"product": "员工技能培训", "scale": "680人/次", "revenue_share_pct": 25},
            ],
            "coop_signed": "青海大学\n青海省中小企业协会\n西宁市生产力促进中心\n青海示例会计师事务所\n"
                           "青海示例律师事务所\n示例银行西宁分行",
            "coop_other": "青海省质量技术协会\n西宁市创业孵化基地\n示例融资担保有限公司",
            "it_services": "建有线上服务平台，提供政策查询、在线咨询、需求发布、线上培训；"
                           "微信公众号关注企业3200家。",
            "honors": "2024年 西宁市中小企业服务先进单位（西宁市工业和信息化局）",
            "gov_support": "2024年 市级中小企业公共服务体系建设补助资金50万元",
            "recognition_docs": "《西宁市工业和信息化局关于认定2022年度市级中小企业公共服务平台的通知》（宁工信〔2022〕88号）",
            "bureau_opinion": "经审核，该单位申报材料真实完整，服务功能完善、业绩突出，符合认定条件，同意推荐。",
            "opinion_date": "2026-03-28",
        },
        "annex2": {"unit_name": UNIT, **report_sections(UNIT, "西宁市")},
        "annex3": {"applicant": UNIT, "staff": staff, "filler": "马𠀀兰", "filler_phone": "0971-6100001"},
        "annex4": {"applicant": UNIT, "equipment": equipment, "total_quantity": qty,
                   "total_value": value, "filler": "马𠀀兰", "filler_phone": "0971-6100001"},
        "annex5": {"unit_name": UNIT, "enterprises": enterprises, "served_total": len(enterprises),
                   "satisfaction_rate": round(100 * (len(enterprises) - 2) / len(enterprises), 1)},
        "annex6": {
            "year": 2025, "bureau": "西宁市工业和信息化局", "filler": "赵晓燕",
            "filler_phone": "0971-8200001", "fill_date": "2026-01-20",
            "platforms": [{
                "platform_name": PLATFORM, "contact": "马𠀀兰", "phone": "0971-6100001",
                "site_area": 1200, "staff_total": 18, "staff_college": 13, "staff_mid_title": 5,
                "served_cumulative": 163, "served_new": 56, "served_growth_pct": 1.8,
                "served_agreements": 40, "revenue_new": 745.3, "revenue_growth_pct": 8.2,
                "service_revenue_new": 580.2, "service_revenue_growth_pct": 11.4,
                "profit_new": 51.0, "profit_growth_pct": 11.6, "tax_new": 22.4, "tax_growth_pct": 6.7,
                "events_cumulative": 58, "events_new": 21, "gov_events_cumulative": 12,
                "gov_events_new": 5,
            }],
        },
        "declared": {"info_offline_enterprises": 120, "info_activities": 8, "tech_activities": 6,
                     "training_person_times": 680, "financing_activities": 6,
                     "financing_amount": 12000},
    }


def failing():
    """Well-formed, but fails several article 5/6 conditions and disagrees across annexes."""
    d = good()
    rng = random.Random(7)
    d["id"] = "XN-2026-002"
    a1 = d["annex1"]
    a1["unit_name"] = a1["applicant"] = "青海示例喆诚信息咨询有限公司"
    a1["platform_name"] = "示例喆诚企业服务平台"
    a1["reg_date"] = "2024-09-01"                 # operating < 2 years at 2026-03-15
    a1["total_assets"] = 86                        # < 100 万元
    a1["staff_count"] = 16                         # annex 3 lists 12
    a1["professional_count"] = 9
    a1["investors"][1]["share_pct"] = 30           # shares sum to 90 %
    a1["operations"][2]["served_count"] = 48       # annex 5 lists 46
    a1["operations"][1]["service_revenue"] = 700   # > revenue 688.9
    a1["coop_signed"] = "青海大学\n青海省中小企业协会"
    a1["coop_other"] = "西宁市创业孵化基地"        # 3 institutions < 5
    d["annex2"]["unit_name"] = a1["unit_name"]
    d["annex3"]["staff"] = staff_rows(rng, 12, 5)  # 12 staff, 5/12 qualified
    d["annex3"]["applicant"] = "青海示例喆诚信息咨询公司"  # name differs from annex 1
    d["annex4"]["applicant"] = a1["unit_name"]
    d["annex4"]["total_quantity"] = 50             # rows sum to 42
    d["annex5"]["unit_name"] = a1["unit_name"]
    d["annex5"]["enterprises"] = enterprise_rows(rng, 46, unhappy=set(range(0, 46, 4)))  # 12 unhappy
    d["annex5"]["served_total"] = 46
    d["annex5"]["satisfaction_rate"] = 85          # ticks give 73.9 %
    d["declared"] = {"info_offline_enterprises": 60, "info_activities": 3, "training_person_times": 200}
    a1["products"][2]["scale"] = "200人/次"          # agrees with the declared training figure
    del d["annex6"]
    return d


def qingnan():
    """A platform in 玉树藏族自治州 (青南): small, so article 7's relaxation matters."""
    d = good()
    rng = random.Random(11)
    d["id"] = "YS-2026-001"
    a1 = d["annex1"]
    unit = "玉树州示例三江源企业服务中心"
    a1.update(unit_name=unit, applicant=unit, platform_name="玉树州中小企业服务平台（示例）",
              city="玉树藏族自治州", reg_address="青海省玉树藏族自治州玉树市结古街道示例路18号",
              postcode="815000", phone="0976-8800001", fax="0976-8800002", contact="才让卓玛",
              legal_rep="扎西·德吉", total_assets=260, registered_capital=200, staff_count=12,
              professional_count=7, equipment_count=42)
    a1["operations"][0]["served_count"] = 38
    a1["operations"][1]["served_count"] = 41
    a1["operations"][2]["served_count"] = 42
    d["annex2"] = {"unit_name": unit, **report_sections(unit, "玉树藏族自治州")}
    d["annex3"].update(applicant=unit, staff=staff_rows(rng, 12, 7), filler="才让卓玛",
                       filler_phone="0976-8800001")
    d["annex4"]["applicant"] = unit
    d["annex5"].update(unit_name=unit, enterprises=enterprise_rows(rng, 42, unhappy={3, 17, 30}),
                       served_total=42, satisfaction_rate=92.9)
    d["declared"] = {"info_offline_enterprises": 60, "info_activities": 6, "training_person_times": 520}
    a1["products"][2]["scale"] = "520人/次"
    del d["annex6"]
    return d


def mistakes():
    """Field-level mistakes an applicant makes; validation must locate every one."""
    d = good()
    d["id"] = "XN-2026-003"
    a1 = d["annex1"]
    a1["postcode"] = "81000"                       # 5 digits
    a1["facility_software_pct"] = 120              # percent > 100
    a1["reg_date"] = "2018年2月30日"               # impossible date
    del a1["legal_rep"]                            # required field missing
    a1["registered_capital"] = "５００万元"          # full-width digits: normalised, not an error
    a1["total_assets"] = "１,２８０.５万元"          # full-width digits and 万元: normalised
    d["annex3"]["staff"][3]["phone"] = "1399710"   # too short
    d["annex5"]["enterprises"][9]["satisfaction"] = "还行"  # not 满意/不满意
    return d


def write_yaml(name, data, comment):
    text = f"# {comment}\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (OUT / name).write_text(text, encoding="utf-8")


def font(size):
    from PIL import ImageFont
    for p in ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",):
        if Path(p).exists():
            return ImageFont.truetype(p, size)
    import pylopdf_fonts_zh_cn
    return ImageFont.truetype(str(Path(pylopdf_fonts_zh_cn.__file__).parent / "NotoSerifSC-Regular.otf"), size)


def draw_doc(path, title, lines, size=(1240, 1754), rotate=0):
    """A grey 'scan' of a one-page document, 150 dpi A4."""
    from PIL import Image, ImageDraw
    img = Image.new("RGB", size, (246, 244, 238))
    dr = ImageDraw.Draw(img)
    dr.rectangle([60, 60, size[0] - 60, size[1] - 60], outline=(120, 40, 40), width=6)
    dr.text((size[0] // 2, 200), title, font=font(72), fill=(150, 20, 20), anchor="mm")
    y = 380
    for ln in lines:
        dr.text((140, y), ln, font=font(40), fill=(30, 30, 30))
        y += 80
    dr.ellipse([size[0] - 420, size[1] - 480, size[0] - 140, size[1] - 200], outline=(200, 30, 30), width=8)
    dr.text((size[0] - 280, size[1] - 340), "示例章", font=font(48), fill=(200, 30, 30), anchor="mm")
    exif = None
    if rotate:
        # a phone scan: pixels stored sideways, the EXIF orientation tag says how to turn them
        img = img.rotate(rotate, expand=True)
        exif = Image.Exif()
        exif[0x0112] = {90: 6, 270: 8, 180: 3}[rotate]
    if path.suffix == ".jpg":
        img.save(path, quality=70, optimize=True, **({"exif": exif} if exif else {}))
    else:
        img.save(path, optimize=True)


def photo(path, hue):
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (480, 320), hue)
    dr = ImageDraw.Draw(img)
    for i in range(6):
        dr.rectangle([30 + i * 70, 150 - i * 10, 80 + i * 70, 290], fill=(255 - i * 30, 220, 180 - i * 20))
    dr.text((20, 20), "示例照片", font=font(32), fill=(255, 255, 255))
    img.save(path, optimize=True)


def attachments():
    ATT.mkdir(parents=True, exist_ok=True)
    draw_doc(ATT / "business-licence.jpg", "营 业 执 照（示例）", [
        f"名称：{UNIT}", "统一社会信用代码：91630100MA7EXAMPL0", "类型：有限责任公司",
        "法定代表人：李喆", "注册资本：伍佰万元整", "成立日期：2018年06月12日",
        "住所：青海省西宁市城西区五四西路示例大厦8层", "本件为虚构示例，仅供测试"])
    draw_doc(ATT / "certificate-cma.png", "资质认定证书（示例）", [
        f"机构名称：{UNIT}", "证书编号：EXAMPLE-0001", "本件为虚构示例"], size=(1754, 1240))
    draw_doc(ATT / "honor-2024.jpg", "荣 誉 证 书（示例）", [
        f"{UNIT}：", "被评为2024年度西宁市中小企业服务先进单位。", "本件为虚构示例"], rotate=90)
    draw_doc(ATT / "cooperation-agreements.jpg", "合作协议汇总（示例）", [
        "1. 与青海大学签订技术合作协议", "2. 与青海省中小企业协会签订服务合作协议",
        "3. 与西宁市生产力促进中心签订资源共享协议", "4. 与示例银行西宁分行签订银企合作协议",
        "5. 与青海示例会计师事务所签订服务协议", "6. 与青海示例律师事务所签订法律服务协议", "本件为虚构示例"])
    draw_doc(ATT / "org-chart.png", "组织架构及发展规划（示例）", [
        "平台主任", "├─ 信息服务部", "├─ 检验检测部", "├─ 培训服务部", "└─ 融资服务部",
        "发展规划：2026—2028年建成省级示范平台"])
    photo(ATT / "photo-hall.png", (70, 110, 160))
    photo(ATT / "photo-lab.png", (60, 140, 110))
    photo(ATT / "photo-classroom.png", (150, 100, 60))
    audit_pdf(ATT / "audit-report-2025.pdf")


def audit_pdf(path):
    """A scanned-looking audit report, set in the toolkit's own serif font (no system font)."""
    from weasyprint import HTML

    from toolkit.dossier.bind import _fonts
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in [
        ("服务收入", "580.20万元"), ("服务成本支出", "470.80万元"), ("营业收入", "745.30万元"),
        ("利润总额", "51.00万元")])
    html = f"""<html><head><style>{{font_css}}
    @page {{ size: A4; margin: 25mm }}
    body {{ font-family: {{family}}; font-size: 12pt }} td {{ border: 1px solid #000; padding: 4px 12px }}
    table {{ border-collapse: collapse }}</style></head><body>
    <h2 style="text-align:center">2025年度服务收支情况专项审计报告（示例）</h2>
    <p>{UNIT}：</p><p>我们审计了贵单位2025年度服务收支情况。本报告为虚构示例，仅供测试。</p>
    <table>{rows}</table><p style="margin-top:40mm">青海示例会计师事务所（示例章）</p></body></html>"""
    font_css, family, fetcher = _fonts(html)
    html = html.replace("{font_css}", font_css).replace("{family}", family)
    HTML(string=html, url_fetcher=fetcher).write_pdf(path)


def main():
    OUT.mkdir(exist_ok=True)
    write_yaml("xining-complete.yaml", good(),
               "完整、合格的示例申报（西宁市，虚构单位）：满足第五、六条，各附件数据一致。")
    write_yaml("xining-fails-conditions.yaml", failing(),
               "格式正确但不符合第五、六条多项条件、且附件之间数据不一致的示例（虚构）。")
    write_yaml("yushu-qingnan.yaml", qingnan(),
               "青南地区（玉树藏族自治州）示例（虚构）：人数、企业数不足，适用第七条适度放宽。")
    write_yaml("field-mistakes.yaml", mistakes(),
               "含字段错误的示例：5位邮编、120%、不存在的日期、缺必填项、全角数字金额、短电话、无效满意度。")
    if "--no-attachments" not in sys.argv:
        attachments()


if __name__ == "__main__":
    main()
