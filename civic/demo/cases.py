"""Demonstration cases: integrity platforms (廉政平臺) around large public projects.

Every case here is demonstration data (示範資料). The projects are real kinds of projects and some
carry the names of well-known public works so the site looks familiar, but budgets, dates,
meetings, statements, people and suppliers are illustrative and written for this data set:
members are anonymised (王○○) or named by their office, supplier companies are fictitious and
carry 「（示範資料）」 in their names, with made-up 統一編號 that pass the checksum, and document
links point only at the home pages of the agencies and sites concerned.

Cases are created through the same services as the site's forms (submit, approve, add parts,
best practice), so the data obeys the same rules and leaves the same history.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.cases import parts
from civic.cases.parts import ContractInput, DocumentInput, MeetingInput, MemberInput, MilestoneInput
from civic.cases.queries import get_case_with_parts
from civic.cases.services import (
    ApplicationInput,
    CaseInput,
    RiskInput,
    approve_application,
    set_best_practice,
    submit_application,
)

APPROVAL_COMMENT = "示範資料：申請內容完整，同意設置廉政平臺並公開。"

# Fictitious supplier companies: (統一編號, name). Every number passes is_valid_ubn.
SUPPLIERS: dict[str, tuple[str, str]] = {
    "qingshan": ("94628194", "青山軌道工程股份有限公司（示範資料）"),
    "hengtong": ("94656321", "恆通機電系統股份有限公司（示範資料）"),
    "taoyuan-civil": ("90139624", "桃園聯合營造股份有限公司（示範資料）"),
    "deepbore": ("95957117", "深鑽隧道工程股份有限公司（示範資料）"),
    "southrail": ("99075116", "南方鐵道營造股份有限公司（示範資料）"),
    "signalworks": ("94125242", "信號電氣工程股份有限公司（示範資料）"),
    "hydro": ("94402426", "清流水利工程股份有限公司（示範資料）"),
    "riverbank": ("95140261", "河岸土木股份有限公司（示範資料）"),
    "skyport": ("96492083", "天港建設股份有限公司（示範資料）"),
    "concourse": ("96174833", "廊廳鋼構股份有限公司（示範資料）"),
    "seabridge": ("97249208", "海峽橋梁工程股份有限公司（示範資料）"),
    "coastroad": ("94333776", "海岸道路工程股份有限公司（示範資料）"),
    "schoolbuild": ("90471874", "育才營造股份有限公司（示範資料）"),
    "stagecraft": ("91537760", "舞臺鋼構營造股份有限公司（示範資料）"),
}

AAC_SITE = "https://www.aac.moj.gov.tw/"
PCC_SITE = "https://web.pcc.gov.tw/"


@dataclass
class DemoCase:
    """One demonstration case: the application, then the parts its agency adds once published."""

    agency_code: str
    application: ApplicationInput
    members: list[MemberInput] = field(default_factory=list)
    meetings: list[MeetingInput] = field(default_factory=list)
    milestones: list[MilestoneInput] = field(default_factory=list)
    documents: list[DocumentInput] = field(default_factory=list)
    contracts: list[ContractInput] = field(default_factory=list)
    # (reason in Chinese, reason in English) when the authority features the case.
    best_practice: tuple[str, str] | None = None


def _member(name: str, organisation: str, role: str) -> MemberInput:
    return MemberInput(name=name, organisation=organisation, role=role)


def _attendees(members: list[MemberInput], count: int | None = None) -> list[str]:
    return [f"{m.name}，{m.organisation}" for m in members[:count]]


def _contract(title: str, supplier: str, value: int, tender_number: str, awarded_on: date) -> ContractInput:
    ubn, name = SUPPLIERS[supplier]
    return ContractInput(title=title, ubn=ubn, company_name=name, award_value_ntd=value,
                         tender_number=tender_number, awarded_on=awarded_on)


def _taipei_mrt_wanda_line() -> DemoCase:
    members = [
        _member("陳○○（副局長）", "臺北市政府捷運工程局", "agency"),
        _member("林○○", "臺北市政府捷運工程局中區工程處", "agency"),
        _member("張○○", "臺北市政府政風處", "integrity_unit"),
        _member("黃○○", "法務部廉政署", "integrity_unit"),
        _member("主任檢察官", "臺灣臺北地方檢察署", "prosecutor"),
        _member("李○○", "審計部臺北市審計處", "auditor"),
        _member("吳○○（教授）", "國立大學土木工程學系", "expert"),
        _member("劉○○", "萬大線沿線社區發展協會（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="379130000",
        application=ApplicationInput(
            case=CaseInput(
                slug="taipei-mrt-wanda-line",
                title_zh="臺北捷運萬大－中和－樹林線第一期工程",
                title_en="Taipei MRT Wanda–Zhonghe–Shulin Line, Phase 1",
                sector_code="rail", procurement_kind="works", status="implementation",
                county="multiple",
                address="臺北市中正區中正紀念堂站至新北市中和、土城一帶",
                latitude=Decimal("25.020000"), longitude=Decimal("121.497000"),
                budget_ntd=107_000_000_000, contract_value_ntd=44_000_000_000,
                summary_zh=(
                    "萬大線第一期自中正紀念堂站向西南延伸，經萬華、中和至土城，全線採地下潛盾隧道施工。"
                    "工程分為多個土建區段標及機電系統標，沿線穿越老舊密集住宅區。"
                    "廉政平臺由捷運局、政風處、檢察署與審計處共同參與，追蹤分包管理與施工安全。"
                    "本案為示範資料，金額與日期僅供展示。"),
                summary_en=(
                    "Phase 1 of the Wanda Line runs south-west from Chiang Kai-shek Memorial Hall "
                    "through Wanhua and Zhonghe to Tucheng, entirely in shield-bored tunnels. "
                    "The works are split into several civil packages and an electrical and "
                    "mechanical systems contract. The integrity platform follows subcontracting and "
                    "site safety. This is demonstration data; figures and dates are illustrative."),
                platform_established_on=date(2018, 3, 15),
            ),
            reason=(
                "本計畫跨越臺北市與新北市，預算逾千億元，土建與機電分標眾多且履約期長，"
                "沿線施工影響大量民眾。為及早發現綁標、圍標及轉包風險，並讓檢調、審計與"
                "在地居民共同監督，申請設置廉政平臺。"),
            risks=[
                RiskInput(stage="planning",
                          risk="機電系統規範指定特定廠牌或專屬規格，形成規格綁標。",
                          likelihood="medium", impact="high",
                          mitigation="規範送外部專家審查，並改以功能需求及「或同等品」方式敘明。",
                          owner="捷運工程局機電工程處", status="closed"),
                RiskInput(stage="tendering",
                          risk="土建區段標投標家數偏少，可能有圍標或協議分配標案。",
                          likelihood="medium", impact="high",
                          mitigation="分析歷次投標紀錄與押標金來源，異常情形移請檢調參考。",
                          owner="臺北市政府政風處", status="mitigating"),
                RiskInput(stage="award",
                          risk="評選委員與投標廠商有僱傭或顧問關係，未依規定迴避。",
                          likelihood="low", impact="high",
                          mitigation="評選前簽署利益衝突聲明，政風人員抽查委員名單。",
                          owner="臺北市政府政風處", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="分包層層轉包，實際施工廠商資格與能力不足。",
                          likelihood="high", impact="high",
                          mitigation="建立分包商名冊與進場審查，每季比對實際出工廠商。",
                          owner="捷運工程局中區工程處", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="潛盾隧道施工造成地表沉陷與工安事故。",
                          likelihood="medium", impact="high",
                          mitigation="沿線建物監測數據每日公開，超過警戒值即停工檢討。",
                          owner="捷運工程局中區工程處", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2018, 5, 10), title="第1次廉政平臺會議",
                place="臺北市政府捷運工程局第一會議室", attendees=_attendees(members),
                agenda="一、平臺設置要點與運作方式。二、各標案招標期程。三、風險項目盤點。",
                statements=[
                    ("臺北市政府捷運工程局 陳○○", "本案分標多、期程長，請各單位協助及早指出招標文件中的風險。"),
                    ("法務部廉政署 黃○○", "建議建立分包商名冊，作為後續查核轉包的基礎資料。"),
                    ("審計部臺北市審計處 李○○", "變更設計與預算追加的程序應事先訂定，避免事後補辦。"),
                    ("萬大線沿線社區發展協會 劉○○", "居民最關心施工噪音與地層下陷，希望監測資料能公開。"),
                ],
                decisions=[
                    "通過廉政平臺設置要點，會議紀錄於機關網站公開。",
                    "捷運局於兩個月內建立分包商名冊與進場審查程序。",
                    "沿線建物監測數據納入每月公開資訊。",
                ],
                follow_ups="捷運局中區工程處於下次會議報告分包商名冊建置情形。",
            ),
            MeetingInput(
                held_on=date(2021, 11, 18), title="第5次廉政平臺會議",
                place="臺北市政府捷運工程局第一會議室", attendees=_attendees(members, 7),
                agenda="一、前次決議追蹤。二、機電系統標履約進度。三、分包查核結果。",
                statements=[
                    ("臺北市政府政風處 張○○", "本季抽查三個工區，發現一家分包商未列入名冊即進場施工。"),
                    ("臺北市政府捷運工程局 林○○", "已要求承商限期補正，並依契約計點罰款。"),
                    ("臺灣臺北地方檢察署 主任檢察官", "名冊外廠商如涉及借牌，請保全相關出工及付款資料。"),
                ],
                decisions=[
                    "名冊外廠商進場一律停工至補正完成。",
                    "政風處每季抽查結果列入平臺會議報告。",
                ],
                follow_ups="捷運局提出分包商進場管制之電子化方案。",
            ),
            MeetingInput(
                held_on=date(2025, 6, 12), title="第9次廉政平臺會議",
                place="臺北市政府捷運工程局第二會議室", attendees=_attendees(members),
                agenda="一、第一階段通車準備。二、變更設計案件審議情形。三、民眾陳情處理。",
                statements=[
                    ("臺北市政府捷運工程局 陳○○", "第一階段通車前的系統整合測試已排定，期程仍有壓力。"),
                    ("審計部臺北市審計處 李○○", "近一年變更設計案件增加，請逐案說明追加理由與金額。"),
                    ("國立大學土木工程學系 吳○○", "趕工期間最容易發生工安事故，夜間施工應加強監督。"),
                    ("萬大線沿線社區發展協會 劉○○", "監測資料公開後，居民的疑慮明顯減少，建議持續辦理。"),
                ],
                decisions=[
                    "變更設計案件彙整一覽表，於下次會議逐案報告。",
                    "通車前辦理一次跨單位工安聯合稽查。",
                    "監測資料公開機制延續至全線完工。",
                ],
                follow_ups="捷運局彙整變更設計一覽表；政風處安排聯合稽查日期。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="土建區段標全數決標", title_en="All civil packages awarded",
                           milestone_type="procurement", planned_on=date(2015, 12, 31),
                           actual_on=date(2016, 6, 30)),
            MilestoneInput(title_zh="年度履約查核報告", title_en="Annual contract audit report",
                           milestone_type="reporting", planned_on=date(2025, 12, 31),
                           actual_on=date(2025, 12, 19)),
            MilestoneInput(title_zh="第一期第一階段通車", title_en="Phase 1, first section opens",
                           milestone_type="delivery", planned_on=date(2027, 12, 31)),
            MilestoneInput(title_zh="第一期全線通車", title_en="Phase 1 opens in full",
                           milestone_type="delivery", planned_on=date(2029, 6, 30)),
        ],
        documents=[
            DocumentInput(title="廉政平臺介紹（法務部廉政署網站）", url=AAC_SITE,
                          document_type="projectPlan"),
            DocumentInput(title="萬大線工程進度（臺北市政府捷運工程局網站）",
                          url="https://www.dorts.gov.taipei/",
                          document_type="physicalProgressReport"),
            DocumentInput(title="決標公告查詢（政府電子採購網）", url=PCC_SITE,
                          document_type="awardNotice"),
        ],
        contracts=[
            _contract("萬大線第一期土建區段標（示範）", "deepbore", 18_600_000_000,
                      "DEMO-TPE-WD-01", date(2016, 3, 21)),
            _contract("萬大線第一期機電系統統包工程（示範）", "hengtong", 25_400_000_000,
                      "DEMO-TPE-WD-02", date(2016, 6, 30)),
        ],
        best_practice=(
            "全程公開廉政平臺會議紀錄，建立分包商名冊與沿線監測資料公開的預警機制，"
            "重大異常均追蹤至結案。",
            "Every platform meeting's minutes are public, and a register of subcontractors and "
            "open monitoring data along the line work as an early warning; each serious "
            "irregularity was followed until it was closed."),
    )


def _taoyuan_mrt_green_line() -> DemoCase:
    members = [
        _member("鄭○○（局長）", "桃園市政府捷運工程局", "agency"),
        _member("許○○", "桃園市政府捷運工程局土建工程科", "agency"),
        _member("蔡○○", "桃園市政府政風處", "integrity_unit"),
        _member("檢察官", "臺灣桃園地方檢察署", "prosecutor"),
        _member("周○○", "審計部桃園市審計處", "auditor"),
        _member("楊○○（技師）", "臺灣省土木技師公會（示範）", "expert"),
        _member("謝○○", "八德區社區代表（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="387150000",
        application=ApplicationInput(
            case=CaseInput(
                slug="taoyuan-mrt-green-line",
                title_zh="桃園捷運綠線建設計畫",
                title_en="Taoyuan MRT Green Line",
                sector_code="rail", procurement_kind="works", status="implementation",
                county="taoyuan",
                address="桃園市八德區經桃園區、蘆竹區至大園區",
                latitude=Decimal("24.993000"), longitude=Decimal("121.301000"),
                budget_ntd=99_300_000_000, contract_value_ntd=36_300_000_000,
                summary_zh=(
                    "綠線由八德區向北經桃園市區、蘆竹區至大園區，含地下段與高架段。"
                    "本案是桃園市首條自辦捷運，土建、機電與用地取得同時進行。"
                    "廉政平臺聚焦投標競爭程度與材料品質查驗。本案為示範資料。"),
                summary_en=(
                    "The Green Line runs north from Bade through central Taoyuan and Luzhu to "
                    "Dayuan, partly underground and partly elevated. It is the first metro line the "
                    "city builds itself, with civil works, systems and land acquisition in parallel. "
                    "The platform watches bidding competition and material testing. "
                    "Demonstration data."),
                platform_established_on=date(2019, 6, 20),
            ),
            reason=(
                "本市首次自辦捷運工程，經驗有限而預算龐大，地下段與高架段界面複雜，"
                "且涉及大量用地徵收。為防止圍標、轉包及變更設計浮濫，申請設置廉政平臺。"),
            risks=[
                RiskInput(stage="planning",
                          risk="場站位置與用地徵收資訊提前外洩，引發土地炒作。",
                          likelihood="medium", impact="medium",
                          mitigation="規劃資料分級管理並留存調閱紀錄。",
                          owner="桃園市政府政風處", status="closed"),
                RiskInput(stage="tendering",
                          risk="地下段土建標投標廠商僅兩家，疑有圍標。",
                          likelihood="medium", impact="high",
                          mitigation="比對投標文件相似度及押標金繳納來源，必要時重新招標。",
                          owner="桃園市政府政風處", status="mitigating"),
                RiskInput(stage="award",
                          risk="評選委員名單於評選前外洩。",
                          likelihood="low", impact="high",
                          mitigation="委員名單於評選當日始通知，並限制接觸人員。",
                          owner="桃園市政府捷運工程局", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="混凝土試體取樣與送驗不實，材料抽驗流於形式。",
                          likelihood="medium", impact="high",
                          mitigation="試體取樣由監造與第三方會同，並不定期抽驗。",
                          owner="桃園市政府捷運工程局", status="open"),
                RiskInput(stage="contract_implementation",
                          risk="高架段大型構件吊裝作業發生工安事故。",
                          likelihood="medium", impact="high",
                          mitigation="吊裝計畫事前審查，作業時段交通管制並派員監看。",
                          owner="承攬廠商工安部門", status="mitigating"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2019, 9, 5), title="第1次廉政平臺會議",
                place="桃園市政府捷運工程局會議室", attendees=_attendees(members),
                agenda="一、平臺成員與分工。二、土建標招標準備。三、用地取得進度。",
                statements=[
                    ("桃園市政府捷運工程局 鄭○○", "本局首次辦理捷運工程，希望平臺協助建立透明的作業流程。"),
                    ("桃園市政府政風處 蔡○○", "招標文件公告前請先送政風處檢視資格條件是否過嚴。"),
                    ("臺灣省土木技師公會 楊○○", "地下段地質資料不足，可能導致日後變更設計。"),
                ],
                decisions=[
                    "招標文件公告前送政風處及外部專家檢視。",
                    "補充地下段地質鑽探，結果提下次會議報告。",
                ],
                follow_ups="捷運工程局辦理補充鑽探並彙整結果。",
            ),
            MeetingInput(
                held_on=date(2024, 3, 14), title="第6次廉政平臺會議",
                place="桃園市政府捷運工程局會議室", attendees=_attendees(members),
                agenda="一、地下段潛盾施工進度。二、材料抽驗結果。三、民眾陳情。",
                statements=[
                    ("桃園市政府捷運工程局 許○○", "本季混凝土抽驗合格率為百分之九十八，不合格批次已打除重做。"),
                    ("審計部桃園市審計處 周○○", "不合格批次的費用應由承商負擔，請確認未列入計價。"),
                    ("八德區社區代表 謝○○", "施工圍籬占用人行道，長者通行不便。"),
                    ("臺灣桃園地方檢察署 檢察官", "如發現試體調包情事，請立即通報以利蒐證。"),
                ],
                decisions=[
                    "不合格批次費用不得計價，由監造單位出具確認。",
                    "施工圍籬處設置無障礙通行動線。",
                    "第三方抽驗頻率提高為每月一次。",
                ],
                follow_ups="監造單位提出不合格批次處理報告。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="土建統包工程決標", title_en="Civil design-build contracts awarded",
                           milestone_type="procurement", planned_on=date(2018, 12, 31),
                           actual_on=date(2019, 3, 29)),
            MilestoneInput(title_zh="高架段主體結構完成", title_en="Elevated structure completed",
                           milestone_type="delivery", planned_on=date(2026, 6, 30),
                           actual_on=date(2026, 8, 14)),
            MilestoneInput(title_zh="綠線先導段通車", title_en="First section opens",
                           milestone_type="delivery", planned_on=date(2027, 12, 31)),
            MilestoneInput(title_zh="綠線全線通車", title_en="Whole line opens",
                           milestone_type="delivery", planned_on=date(2028, 12, 31)),
        ],
        documents=[
            DocumentInput(title="綠線工程資訊（桃園市政府捷運工程局網站）",
                          url="https://dorts.tycg.gov.tw/", document_type="projectPlan"),
            DocumentInput(title="決標公告查詢（政府電子採購網）", url=PCC_SITE,
                          document_type="awardNotice"),
        ],
        contracts=[
            _contract("綠線高架段土建統包工程（示範）", "taoyuan-civil", 14_500_000_000,
                      "DEMO-TYC-G-01", date(2019, 3, 29)),
            _contract("綠線地下段潛盾隧道工程（示範）", "deepbore", 21_800_000_000,
                      "DEMO-TYC-G-02", date(2019, 8, 16)),
        ],
    )


def _tainan_railway_underground() -> DemoCase:
    members = [
        _member("何○○（副局長）", "交通部鐵道局", "agency"),
        _member("曾○○", "交通部鐵道局南部工程分局", "agency"),
        _member("邱○○", "交通部鐵道局政風室", "integrity_unit"),
        _member("郭○○", "法務部廉政署南部地區調查組", "integrity_unit"),
        _member("主任檢察官", "臺灣臺南地方檢察署", "prosecutor"),
        _member("羅○○", "審計部臺南市審計處", "auditor"),
        _member("潘○○（教授）", "國立大學交通管理學系", "expert"),
        _member("蕭○○", "臺南市鐵路沿線自救會（示範）", "civil_society"),
        _member("臺南市政府代表", "臺南市政府交通局", "agency"),
    ]
    return DemoCase(
        agency_code="A61150000",
        application=ApplicationInput(
            case=CaseInput(
                slug="tainan-railway-underground",
                title_zh="臺南市區鐵路地下化計畫",
                title_en="Tainan City Railway Undergrounding Project",
                sector_code="rail", procurement_kind="works", status="implementation",
                county="tainan",
                address="臺南市北區大橋站以南至東區、南區一帶（約八公里）",
                latitude=Decimal("22.997100"), longitude=Decimal("120.212700"),
                budget_ntd=29_300_000_000, contract_value_ntd=15_700_000_000,
                summary_zh=(
                    "計畫將臺南市區約八公里的縱貫鐵路改為地下化，消除多處平交道並縫合東西向市區。"
                    "施工期間須先切換臨時軌，維持列車正常營運。"
                    "平臺納入沿線居民代表，處理拆遷與施工噪音爭議。本案為示範資料。"),
                summary_en=(
                    "The project puts about eight kilometres of the main line through Tainan "
                    "underground, removing level crossings and reconnecting the city's east and west. "
                    "Trains keep running on temporary tracks during the works. Residents along the "
                    "line sit on the platform. Demonstration data."),
                platform_established_on=date(2016, 9, 1),
            ),
            reason=(
                "本計畫工期長、預算近三百億元，涉及拆遷補償與臨時軌切換等高風險作業，"
                "過去同類工程曾發生變更設計追加預算爭議。設置廉政平臺可讓檢調、審計與居民"
                "及早參與，降低弊端與抗爭風險。"),
            risks=[
                RiskInput(stage="planning",
                          risk="號誌與電車線系統規格限定特定供應商，形成綁標。",
                          likelihood="medium", impact="high",
                          mitigation="規格由外部委員審查，並公開徵求業界意見。",
                          owner="交通部鐵道局", status="closed"),
                RiskInput(stage="tendering",
                          risk="主體土建標廠商事先協議，輪流得標。",
                          likelihood="medium", impact="high",
                          mitigation="分析同類標案得標紀錄，異常者移請檢調參考。",
                          owner="交通部鐵道局政風室", status="closed"),
                RiskInput(stage="award",
                          risk="低價搶標後以變更設計追加預算彌補。",
                          likelihood="high", impact="high",
                          mitigation="訂定變更設計審議程序，追加金額逾一定比例須送平臺報告。",
                          owner="交通部鐵道局南部工程分局", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="臨時軌切換作業疏失造成行車事故與工安意外。",
                          likelihood="low", impact="high",
                          mitigation="切換前辦理聯合演練，並由臺鐵與監造共同查驗。",
                          owner="交通部鐵道局南部工程分局", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="專業分包層層轉包，責任不明。",
                          likelihood="medium", impact="medium",
                          mitigation="分包契約送機關備查，抽查出工人員與投保紀錄。",
                          owner="交通部鐵道局政風室", status="mitigating"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2016, 12, 6), title="第1次廉政平臺會議",
                place="交通部鐵道局南部工程處會議室", attendees=_attendees(members),
                agenda="一、平臺設置目的。二、拆遷補償作業。三、主體工程招標規劃。",
                statements=[
                    ("交通部鐵道局 何○○", "平臺將全程公開會議紀錄，歡迎沿線居民提出意見。"),
                    ("臺南市鐵路沿線自救會 蕭○○", "拆遷戶希望補償標準一致，並有公開說明。"),
                    ("法務部廉政署 郭○○", "補償查估如有人為調整空間，容易成為關說對象，應留存紀錄。"),
                    ("審計部臺南市審計處 羅○○", "查估結果建議抽樣複核。"),
                ],
                decisions=[
                    "拆遷補償標準與查估流程公開說明。",
                    "查估結果由政風室抽樣複核。",
                ],
                follow_ups="鐵道局與臺南市政府共同辦理拆遷說明會。",
            ),
            MeetingInput(
                held_on=date(2020, 10, 22), title="第6次廉政平臺會議",
                place="臺南市政府會議室", attendees=_attendees(members),
                agenda="一、臨時軌切換準備。二、變更設計案件報告。三、分包抽查結果。",
                statements=[
                    ("交通部鐵道局南部工程分局 曾○○", "臨時軌切換已完成兩次演練，預定夜間封鎖施工。"),
                    ("交通部鐵道局政風室 邱○○", "抽查發現分包契約有未送備查情形，已要求補正。"),
                    ("國立大學交通管理學系 潘○○", "切換當週應提前公告替代交通方式。"),
                ],
                decisions=[
                    "切換前一週對外公告並通知沿線學校。",
                    "未送備查之分包契約依契約規定處理。",
                    "變更設計案件每次會議逐案報告。",
                ],
                follow_ups="鐵道局提報切換後檢討報告。",
            ),
            MeetingInput(
                held_on=date(2025, 9, 18), title="第11次廉政平臺會議",
                place="交通部鐵道局南部工程分局會議室", attendees=_attendees(members, 8),
                agenda="一、地下化切換期程。二、站區開發及綠園道規劃。三、預警事項追蹤。",
                statements=[
                    ("交通部鐵道局 何○○", "地下化切換所需的系統測試已進入最後階段。"),
                    ("臺灣臺南地方檢察署 主任檢察官", "歷次預警事項皆已處理完畢，請持續保持通報機制。"),
                    ("臺南市政府交通局代表", "騰空鐵道用地的綠園道規劃將另案辦理公開參與。"),
                    ("臺南市鐵路沿線自救會 蕭○○", "感謝平臺讓居民意見有正式管道。"),
                ],
                decisions=[
                    "切換後三個月內提出結算及變更設計總檢討。",
                    "綠園道規劃之公民參與結果提平臺報告。",
                ],
                follow_ups="鐵道局準備結算總檢討資料。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="主體土建工程決標", title_en="Main civil works awarded",
                           milestone_type="procurement", planned_on=date(2017, 3, 31),
                           actual_on=date(2017, 5, 24)),
            MilestoneInput(title_zh="臨時軌切換", title_en="Switch to temporary tracks",
                           milestone_type="delivery", planned_on=date(2020, 12, 31),
                           actual_on=date(2021, 1, 17)),
            MilestoneInput(title_zh="平臺年度成果報告", title_en="Platform annual report",
                           milestone_type="reporting", planned_on=date(2025, 12, 31),
                           actual_on=date(2025, 12, 30)),
            MilestoneInput(title_zh="地下化通車", title_en="Underground line opens",
                           milestone_type="delivery", planned_on=date(2027, 6, 30)),
        ],
        documents=[
            DocumentInput(title="臺南鐵路地下化計畫介紹（交通部鐵道局網站）",
                          url="https://www.rb.gov.tw/", document_type="projectPlan"),
            DocumentInput(title="廉政平臺會議紀錄（法務部廉政署網站）", url=AAC_SITE,
                          document_type="physicalProgressReport"),
            DocumentInput(title="決標公告查詢（政府電子採購網）", url=PCC_SITE,
                          document_type="awardNotice"),
        ],
        contracts=[
            _contract("臺南市區鐵路地下化主體土建工程（示範）", "southrail", 12_600_000_000,
                      "DEMO-RB-TN-01", date(2017, 5, 24)),
            _contract("電車線及號誌系統工程（示範）", "signalworks", 3_100_000_000,
                      "DEMO-RB-TN-02", date(2018, 2, 9)),
        ],
        best_practice=(
            "全程公開會議紀錄，並讓沿線居民正式參與平臺；拆遷補償與變更設計逐案公開追蹤，"
            "為民間參與的典範。",
            "All minutes are public and residents along the line sit on the platform; "
            "compensation and design changes were reported case by case, a model of civil "
            "society participation."),
    )


def _zengwen_reservoir_desilting_tunnel() -> DemoCase:
    members = [
        _member("賴○○（分署長）", "經濟部水利署南區水資源分署", "agency"),
        _member("簡○○", "經濟部水利署南區水資源分署工務課", "agency"),
        _member("江○○", "經濟部水利署政風室", "integrity_unit"),
        _member("檢察官", "臺灣嘉義地方檢察署", "prosecutor"),
        _member("游○○", "審計部", "auditor"),
        _member("彭○○（教授）", "國立大學水利及海洋工程學系", "expert"),
    ]
    return DemoCase(
        agency_code="A65070000",
        application=ApplicationInput(
            case=CaseInput(
                slug="zengwen-reservoir-desilting-tunnel",
                title_zh="曾文水庫防淤隧道工程",
                title_en="Zengwen Reservoir Desilting Tunnel",
                sector_code="water", procurement_kind="works", status="completed",
                county="chiayi",
                address="嘉義縣大埔鄉曾文水庫大壩上游左岸",
                latitude=Decimal("23.248000"), longitude=Decimal("120.532000"),
                budget_ntd=4_900_000_000, contract_value_ntd=3_950_000_000,
                summary_zh=(
                    "工程於曾文水庫大壩上游開鑿防淤隧道，於颱風洪水期間排出高濃度泥砂，延長水庫壽命。"
                    "隧道施工穿越軟弱地層，並須在汛期前完成關鍵作業。"
                    "平臺建立汛期施工預警機制，工程已完工啟用。本案為示範資料。"),
                summary_en=(
                    "A tunnel upstream of the Zengwen dam flushes sediment-laden water during "
                    "typhoon floods, prolonging the reservoir's life. Tunnelling crossed weak rock "
                    "and key works had to finish before the flood season. The platform set up an "
                    "early-warning routine for flood-season works; the tunnel is in service. "
                    "Demonstration data."),
                platform_established_on=date(2016, 5, 16),
            ),
            reason=(
                "水庫防淤工程地質條件複雜，施工風險高且易因變更設計追加預算；閘門等機電設備"
                "規格特殊，供應商有限。設置廉政平臺以強化招標透明與履約監督。"),
            risks=[
                RiskInput(stage="planning",
                          risk="地質調查不足，導致施工中大幅變更設計並追加預算。",
                          likelihood="high", impact="high",
                          mitigation="補充地質鑽探並設定變更設計上限，逾限須專案審查。",
                          owner="南區水資源分署", status="closed"),
                RiskInput(stage="tendering",
                          risk="進水口閘門設備規格限縮供應來源，形成規格綁標。",
                          likelihood="medium", impact="medium",
                          mitigation="規格以功能性需求敘明，公開閱覽並收集廠商意見。",
                          owner="經濟部水利署政風室", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="鋼襯與混凝土材料抽驗不實。",
                          likelihood="medium", impact="high",
                          mitigation="材料送驗由機關人員全程會同，並留存影像紀錄。",
                          owner="南區水資源分署", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="汛期隧道開挖發生落盤及人員受困等工安事故。",
                          likelihood="medium", impact="high",
                          mitigation="颱風警報發布即撤離洞內人員，並設置即時監測。",
                          owner="承攬廠商工安部門", status="closed"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2016, 7, 14), title="第1次廉政平臺會議",
                place="南區水資源分署曾文水庫管理中心", attendees=_attendees(members),
                agenda="一、工程概要與期程。二、汛期施工風險。三、材料查驗程序。",
                statements=[
                    ("經濟部水利署南區水資源分署 賴○○", "本工程須趕在汛期前完成進水口作業，時程緊迫。"),
                    ("國立大學水利及海洋工程學系 彭○○", "趕工容易忽略安全，建議訂定颱風期間的停工與撤離標準。"),
                    ("經濟部水利署政風室 江○○", "材料送驗應全程會同，避免送驗樣品與現場不符。"),
                ],
                decisions=[
                    "訂定颱風期間停工撤離標準，納入施工計畫。",
                    "材料送驗全程會同並錄影存證。",
                ],
                follow_ups="分署於一個月內修正施工計畫並送平臺成員。",
            ),
            MeetingInput(
                held_on=date(2017, 4, 20), title="第3次廉政平臺會議",
                place="南區水資源分署會議室", attendees=_attendees(members),
                agenda="一、隧道開挖進度。二、變更設計案件。三、汛期前整備。",
                statements=[
                    ("經濟部水利署南區水資源分署 簡○○", "開挖遇到軟弱地層，已依預警程序調整支撐方式。"),
                    ("審計部 游○○", "支撐方式調整的費用請說明是否屬契約原有範圍。"),
                    ("臺灣嘉義地方檢察署 檢察官", "預警程序運作良好，請持續留存決策紀錄。"),
                    ("國立大學水利及海洋工程學系 彭○○", "監測數據顯示變位已趨穩定，可恢復正常進尺。"),
                ],
                decisions=[
                    "支撐調整費用依契約單價計算，不另議價。",
                    "汛期前完成撤離演練。",
                    "監測數據每週提供平臺成員。",
                ],
                follow_ups="分署辦理撤離演練並回報結果。",
            ),
            MeetingInput(
                held_on=date(2018, 8, 23), title="第5次廉政平臺會議（完工檢討）",
                place="南區水資源分署會議室", attendees=_attendees(members),
                agenda="一、完工啟用報告。二、平臺運作檢討。",
                statements=[
                    ("經濟部水利署南區水資源分署 賴○○", "工程已完工並於汛期完成首次排砂操作。"),
                    ("經濟部水利署政風室 江○○", "履約期間未發生重大違失，預警事項均已結案。"),
                    ("審計部 游○○", "最終結算金額在核定預算內，變更設計比例合理。"),
                ],
                decisions=[
                    "平臺運作經驗彙整為作業手冊，供其他水庫工程參考。",
                    "平臺任務完成，轉為年度追蹤。",
                ],
                follow_ups="政風室完成作業手冊並送法務部廉政署。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="防淤隧道統包工程決標", title_en="Design-build contract awarded",
                           milestone_type="procurement", planned_on=date(2015, 6, 30),
                           actual_on=date(2015, 8, 12)),
            MilestoneInput(title_zh="隧道全線貫通", title_en="Tunnel breakthrough",
                           milestone_type="delivery", planned_on=date(2017, 10, 31),
                           actual_on=date(2017, 11, 20)),
            MilestoneInput(title_zh="完工啟用", title_en="Completed and in service",
                           milestone_type="delivery", planned_on=date(2018, 6, 30),
                           actual_on=date(2018, 6, 29)),
            MilestoneInput(title_zh="結算驗收", title_en="Final account and acceptance",
                           milestone_type="contractClose", planned_on=date(2018, 12, 31),
                           actual_on=date(2019, 2, 26)),
        ],
        documents=[
            DocumentInput(title="水庫防淤工程介紹（經濟部水利署網站）",
                          url="https://www.wra.gov.tw/", document_type="projectPlan"),
            DocumentInput(title="廉政平臺成果（法務部廉政署網站）", url=AAC_SITE,
                          document_type="completionCertificate"),
        ],
        contracts=[
            _contract("曾文水庫防淤隧道統包工程（示範）", "hydro", 3_950_000_000,
                      "DEMO-WRA-ZW-01", date(2015, 8, 12)),
        ],
        best_practice=(
            "預警機制有效：汛期施工與地質異常均依事前訂定的程序處理，工程如期完工且結算在預算內，"
            "平臺經驗並整理成作業手冊。",
            "An effective early-warning routine: flood-season works and poor ground were handled "
            "by procedures agreed in advance, the tunnel was finished on time within budget, and "
            "the platform's experience was written up as a handbook."),
    )


def _shimen_reservoir_amuping_tunnel() -> DemoCase:
    members = [
        _member("馮○○（副分署長）", "經濟部水利署北區水資源分署", "agency"),
        _member("韓○○", "經濟部水利署北區水資源分署工務課", "agency"),
        _member("江○○", "經濟部水利署政風室", "integrity_unit"),
        _member("檢察官", "臺灣桃園地方檢察署", "prosecutor"),
        _member("游○○", "審計部", "auditor"),
        _member("姚○○（技師）", "大地工程技師公會（示範）", "expert"),
        _member("大溪區里長代表", "大溪區里長聯誼會（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="A65070000",
        application=ApplicationInput(
            case=CaseInput(
                slug="shimen-reservoir-amuping-desilting-tunnel",
                title_zh="石門水庫阿姆坪防淤隧道工程",
                title_en="Shimen Reservoir Amuping Desilting Tunnel",
                sector_code="water", procurement_kind="works", status="implementation",
                county="taoyuan",
                address="桃園市大溪區阿姆坪（石門水庫庫區）",
                latitude=Decimal("24.826000"), longitude=Decimal("121.268000"),
                budget_ntd=4_300_000_000, contract_value_ntd=3_400_000_000,
                summary_zh=(
                    "工程於石門水庫庫區阿姆坪開鑿防淤隧道，將淤積泥砂導排至下游，維持北部供水穩定。"
                    "施工位於水庫庫區，須兼顧水質保護與汛期安全。"
                    "平臺追蹤棄土去向與材料查驗。本案為示範資料。"),
                summary_en=(
                    "A desilting tunnel at Amuping in the Shimen reservoir carries sediment "
                    "downstream to keep northern Taiwan's water supply stable. Works inside the "
                    "reservoir must protect water quality and stay safe in the flood season. The "
                    "platform follows where excavated soil goes and how materials are tested. "
                    "Demonstration data."),
                platform_established_on=date(2020, 1, 15),
            ),
            reason=(
                "工程位於重要水源區，開挖土方量大，棄土流向不明易生弊端；且隧道施工風險高，"
                "需結合檢調與專家即時監督，故申請設置廉政平臺。"),
            risks=[
                RiskInput(stage="tendering",
                          risk="資格條件要求特定實績，限制競爭。",
                          likelihood="medium", impact="medium",
                          mitigation="資格條件對照工程會範本，公告前經政風室檢視。",
                          owner="經濟部水利署政風室", status="closed"),
                RiskInput(stage="award",
                          risk="單一廠商投標即決標，價格缺乏競爭。",
                          likelihood="medium", impact="medium",
                          mitigation="單一投標時檢討底價合理性並紀錄理由。",
                          owner="北區水資源分署", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="開挖土石方未運至核定土資場，違法棄置。",
                          likelihood="high", impact="medium",
                          mitigation="運土車輛裝設衛星定位並比對土資場收容紀錄。",
                          owner="北區水資源分署", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="隧道開挖湧水造成工安事故。",
                          likelihood="medium", impact="high",
                          mitigation="超前探查並訂定湧水應變程序。",
                          owner="承攬廠商工安部門", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2020, 4, 16), title="第1次廉政平臺會議",
                place="北區水資源分署石門水庫會議室", attendees=_attendees(members),
                agenda="一、工程概要。二、土石方管理。三、平臺運作方式。",
                statements=[
                    ("經濟部水利署北區水資源分署 馮○○", "本工程預估開挖土方量大，將建立全程流向追蹤。"),
                    ("大溪區里長代表", "居民擔心運土車輛影響道路安全。"),
                    ("大地工程技師公會 姚○○", "庫區地層含水量高，開挖前應做超前探查。"),
                ],
                decisions=[
                    "運土車輛全面裝設衛星定位。",
                    "運土路線與時段事先公告。",
                ],
                follow_ups="分署提出土石方流向追蹤系統建置計畫。",
            ),
            MeetingInput(
                held_on=date(2024, 10, 17), title="第5次廉政平臺會議",
                place="北區水資源分署會議室", attendees=_attendees(members),
                agenda="一、開挖進度。二、土石方流向比對結果。三、汛期應變檢討。",
                statements=[
                    ("經濟部水利署北區水資源分署 韓○○", "比對發現兩車次未進入核定土資場，已要求說明。"),
                    ("臺灣桃園地方檢察署 檢察官", "如查有違法棄置，請保存定位紀錄作為證據。"),
                    ("經濟部水利署政風室 江○○", "建議將異常車次比例列入每次會議固定報告。"),
                    ("審計部 游○○", "土石方計價數量應以土資場收容量為準。"),
                ],
                decisions=[
                    "土石方計價以土資場收容證明為準。",
                    "異常車次列入每次會議固定報告。",
                    "違規車次依契約處罰並通報環保機關。",
                ],
                follow_ups="分署追蹤兩異常車次之調查結果。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="防淤隧道工程決標", title_en="Tunnel contract awarded",
                           milestone_type="procurement", planned_on=date(2019, 9, 30),
                           actual_on=date(2019, 11, 8)),
            MilestoneInput(title_zh="隧道開挖貫通", title_en="Tunnel breakthrough",
                           milestone_type="delivery", planned_on=date(2025, 12, 31),
                           actual_on=date(2026, 5, 22)),
            MilestoneInput(title_zh="完工啟用", title_en="Completed and in service",
                           milestone_type="delivery", planned_on=date(2027, 6, 30)),
        ],
        documents=[
            DocumentInput(title="石門水庫防淤工程（經濟部水利署網站）",
                          url="https://www.wra.gov.tw/", document_type="projectPlan"),
        ],
        contracts=[
            _contract("阿姆坪防淤隧道工程（示範）", "hydro", 3_400_000_000,
                      "DEMO-WRA-AM-01", date(2019, 11, 8)),
        ],
    )


def _taoyuan_nankan_river() -> DemoCase:
    members = [
        _member("石○○（局長）", "桃園市政府水務局", "agency"),
        _member("范○○", "桃園市政府水務局河川工程科", "agency"),
        _member("蔡○○", "桃園市政府政風處", "integrity_unit"),
        _member("檢察官", "臺灣桃園地方檢察署", "prosecutor"),
        _member("周○○", "審計部桃園市審計處", "auditor"),
        _member("孫○○（教授）", "國立大學水利工程學系", "expert"),
        _member("南崁溪守護聯盟代表", "南崁溪守護聯盟（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="387140000",
        application=ApplicationInput(
            case=CaseInput(
                slug="taoyuan-nankan-river-flood-control",
                title_zh="南崁溪流域整體治理工程",
                title_en="Nankan River Basin Flood Management Works",
                sector_code="flood-control", procurement_kind="works", status="implementation",
                county="taoyuan",
                address="桃園市桃園區、蘆竹區南崁溪沿岸",
                latitude=Decimal("25.030000"), longitude=Decimal("121.295000"),
                budget_ntd=3_600_000_000, contract_value_ntd=2_240_000_000,
                summary_zh=(
                    "計畫以滯洪池、護岸改善與雨水下水道幹線，降低南崁溪流域的淹水風險。"
                    "工程分多標辦理，沿線涉及私有地協議價購。"
                    "平臺納入在地守護團體，監督土方與生態檢核。本案為示範資料。"),
                summary_en=(
                    "Detention ponds, improved embankments and trunk storm drains reduce flood "
                    "risk in the Nankan River basin. The works are tendered in several packages and "
                    "need private land along the river. A local river group on the platform watches "
                    "earthworks and ecological checks. Demonstration data."),
                platform_established_on=date(2021, 4, 12),
            ),
            reason=(
                "治理工程分標多、土方量大，且近年極端降雨使工期壓力增加，容易以緊急採購為由"
                "減少競爭。為確保採購公開及土方流向透明，申請設置廉政平臺。"),
            risks=[
                RiskInput(stage="planning",
                          risk="以防汛緊急為由改採限制性招標，規避公開競爭。",
                          likelihood="medium", impact="medium",
                          mitigation="限制性招標須經平臺報告並說明緊急理由。",
                          owner="桃園市政府水務局", status="closed"),
                RiskInput(stage="tendering",
                          risk="同區域小型營造廠輪流得標，疑有圍標。",
                          likelihood="medium", impact="medium",
                          mitigation="政風處分析近五年得標廠商關聯。",
                          owner="桃園市政府政風處", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="回填土方與級配料抽驗不實，偷工減料。",
                          likelihood="high", impact="medium",
                          mitigation="不定期會同第三方取樣，並公開抽驗結果。",
                          owner="桃園市政府水務局", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="剩餘土石方違法棄置於農地。",
                          likelihood="medium", impact="medium",
                          mitigation="運土車輛定位追蹤，並與環保局聯合稽查。",
                          owner="桃園市政府水務局", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2021, 6, 24), title="第1次廉政平臺會議",
                place="桃園市政府水務局會議室", attendees=_attendees(members),
                agenda="一、治理計畫說明。二、分標與招標期程。三、生態檢核。",
                statements=[
                    ("桃園市政府水務局 石○○", "本計畫分為滯洪池、護岸與下水道三類工程，預計分年辦理。"),
                    ("南崁溪守護聯盟代表", "希望護岸設計保留生態廊道，不要全面水泥化。"),
                    ("國立大學水利工程學系 孫○○", "滯洪池容量計算應公開，讓外界檢視。"),
                ],
                decisions=[
                    "生態檢核結果於設計定案前公開。",
                    "滯洪池容量計算書於水務局網站公開。",
                ],
                follow_ups="水務局辦理生態檢核說明會。",
            ),
            MeetingInput(
                held_on=date(2025, 5, 8), title="第4次廉政平臺會議",
                place="桃園市政府水務局會議室", attendees=_attendees(members),
                agenda="一、汛期前完工情形。二、材料抽驗結果。三、土方流向稽查。",
                statements=[
                    ("桃園市政府水務局 范○○", "第一標滯洪池已於汛期前完工，第二標護岸進度落後約一個月。"),
                    ("桃園市政府政風處 蔡○○", "聯合稽查發現一處農地有疑似工程棄土，已會同環保局查處。"),
                    ("審計部桃園市審計處 周○○", "進度落後的部分請檢討是否有逾期違約金。"),
                    ("臺灣桃園地方檢察署 檢察官", "棄土案件若涉及不法，請移送偵辦。"),
                ],
                decisions=[
                    "疑似棄土案件由環保局查明後提平臺報告。",
                    "第二標依契約計算逾期違約金。",
                ],
                follow_ups="水務局提報第二標趕工計畫。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="第一標滯洪池工程決標", title_en="Detention pond package awarded",
                           milestone_type="procurement", planned_on=date(2021, 12, 31),
                           actual_on=date(2022, 2, 18)),
            MilestoneInput(title_zh="第一標滯洪池完工", title_en="Detention ponds completed",
                           milestone_type="delivery", planned_on=date(2025, 4, 30),
                           actual_on=date(2025, 4, 25)),
            MilestoneInput(title_zh="雨水下水道幹線完工", title_en="Trunk storm drains completed",
                           milestone_type="delivery", planned_on=date(2027, 4, 30)),
        ],
        documents=[
            DocumentInput(title="南崁溪治理計畫（桃園市政府水務局網站）",
                          url="https://wrb.tycg.gov.tw/", document_type="projectPlan"),
            DocumentInput(title="生態檢核說明（桃園市政府水務局網站）",
                          url="https://wrb.tycg.gov.tw/", document_type="environmentalImpact"),
        ],
        contracts=[
            _contract("南崁溪滯洪池及護岸第一標（示範）", "riverbank", 980_000_000,
                      "DEMO-TYWR-NK-01", date(2022, 2, 18)),
            _contract("南崁溪雨水下水道幹線工程（示範）", "taoyuan-civil", 1_260_000_000,
                      "DEMO-TYWR-NK-02", date(2023, 7, 5)),
        ],
    )


def _taoyuan_airport_terminal_3() -> DemoCase:
    members = [
        _member("沈○○（副局長）", "交通部民用航空局", "agency"),
        _member("卓○○", "桃園國際機場股份有限公司第三航站區建設處", "agency"),
        _member("紀○○", "交通部民用航空局政風室", "integrity_unit"),
        _member("黃○○", "法務部廉政署", "integrity_unit"),
        _member("主任檢察官", "臺灣桃園地方檢察署", "prosecutor"),
        _member("游○○", "審計部", "auditor"),
        _member("施○○（建築師）", "機場航廈規劃外部委員（示範）", "expert"),
    ]
    return DemoCase(
        agency_code="A61070000",
        application=ApplicationInput(
            case=CaseInput(
                slug="taoyuan-airport-terminal-3",
                title_zh="桃園國際機場第三航站區建設計畫",
                title_en="Taoyuan International Airport Terminal 3",
                sector_code="transport", procurement_kind="works", status="implementation",
                county="taoyuan",
                address="桃園市大園區航站南路（桃園國際機場第三航站區）",
                latitude=Decimal("25.077000"), longitude=Decimal("121.233000"),
                budget_ntd=80_000_000_000, contract_value_ntd=51_700_000_000,
                summary_zh=(
                    "第三航站區包含主航廈、北登機廊廳及相關聯外設施，完成後將大幅提升機場容量。"
                    "主航廈工程曾多次流標，招標條件調整受到外界關注。"
                    "平臺監督招標條件調整、變更設計與工安。本案為示範資料。"),
                summary_en=(
                    "Terminal 3 comprises the main terminal, the north concourse and related "
                    "facilities and will greatly raise the airport's capacity. The main terminal "
                    "tender failed several times, and changes to its conditions drew public "
                    "attention. The platform follows tender changes, design changes and site safety. "
                    "Demonstration data."),
                platform_established_on=date(2017, 11, 1),
            ),
            reason=(
                "本計畫為國家門戶工程，預算約八百億元，主航廈標曾多次流標，放寬招標條件時"
                "易生綁標或圖利疑慮；履約期間變更設計金額亦大。設置廉政平臺以公開透明方式"
                "回應外界關切。"),
            risks=[
                RiskInput(stage="tendering",
                          risk="多次流標後放寬資格或調整規格，可能圖利特定廠商。",
                          likelihood="medium", impact="high",
                          mitigation="每次調整招標條件均於平臺報告理由，並公開徵求業界意見。",
                          owner="交通部民用航空局", status="closed"),
                RiskInput(stage="award",
                          risk="僅一家廠商投標，決標價格偏高。",
                          likelihood="high", impact="high",
                          mitigation="委請專業機構複核底價，並紀錄議價過程。",
                          owner="交通部民用航空局政風室", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="變更設計追加預算金額龐大，缺乏充分審查。",
                          likelihood="high", impact="high",
                          mitigation="變更設計逾一定金額須經外部委員審查並提平臺報告。",
                          owner="桃園國際機場股份有限公司", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="大跨度鋼構屋頂吊裝與高處作業之工安事故。",
                          likelihood="medium", impact="high",
                          mitigation="高處作業許可制度，並每月辦理聯合工安稽查。",
                          owner="承攬廠商工安部門", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="行李處理系統分包層層轉包，介面責任不清。",
                          likelihood="medium", impact="medium",
                          mitigation="主要分包商須經機關同意，並定期查核出工紀錄。",
                          owner="交通部民用航空局政風室", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2018, 1, 25), title="第1次廉政平臺會議",
                place="交通部民用航空局會議室", attendees=_attendees(members),
                agenda="一、第三航站區建設計畫概要。二、主航廈標流標原因分析。三、平臺分工。",
                statements=[
                    ("交通部民用航空局 沈○○", "主航廈標流標主因為預算與市場行情落差，將檢討招標策略。"),
                    ("法務部廉政署 黃○○", "調整招標條件時應留下完整理由，避免日後圖利疑慮。"),
                    ("審計部 游○○", "預算調整須符合核定計畫，並注意物價調整條款。"),
                    ("機場航廈規劃外部委員 施○○", "可考慮分標降低單一標案規模，提高廠商參與意願。"),
                ],
                decisions=[
                    "招標條件調整理由提平臺報告並公開。",
                    "評估主航廈分標可行性，下次會議報告。",
                ],
                follow_ups="民航局與機場公司研議分標方案。",
            ),
            MeetingInput(
                held_on=date(2021, 3, 11), title="第5次廉政平臺會議",
                place="桃園國際機場股份有限公司會議室", attendees=_attendees(members),
                agenda="一、主航廈工程決標後履約進度。二、變更設計審查機制。",
                statements=[
                    ("桃園國際機場股份有限公司第三航站區建設處 卓○○", "主航廈工程已開工，目前進度符合預定。"),
                    ("交通部民用航空局政風室 紀○○", "建議變更設計設定門檻，逾門檻者送外部委員審查。"),
                    ("臺灣桃園地方檢察署 主任檢察官", "大額變更設計是常見弊端來源，審查紀錄應完整保存。"),
                ],
                decisions=[
                    "變更設計逾新臺幣五千萬元者送外部委員審查。",
                    "審查結果每次會議彙整報告。",
                ],
                follow_ups="機場公司訂定變更設計審查作業要點。",
            ),
            MeetingInput(
                held_on=date(2025, 11, 6), title="第10次廉政平臺會議",
                place="交通部民用航空局會議室", attendees=_attendees(members),
                agenda="一、北登機廊廳營運檢討。二、主航廈工程進度。三、工安稽查結果。",
                statements=[
                    ("交通部民用航空局 沈○○", "北登機廊廳已啟用，主航廈仍依計畫趕辦。"),
                    ("交通部民用航空局政風室 紀○○", "本季工安聯合稽查發現高處作業防護不足三處，均已改善。"),
                    ("審計部 游○○", "累計變更設計金額請與核定預算對照說明。"),
                    ("機場航廈規劃外部委員 施○○", "啟用後旅客動線問題應回饋主航廈設計。"),
                ],
                decisions=[
                    "累計變更設計金額對照表於下次會議提出。",
                    "工安稽查頻率維持每月一次。",
                    "北登機廊廳營運問題彙整回饋設計單位。",
                ],
                follow_ups="機場公司彙整變更設計對照表。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="主航廈工程決標", title_en="Main terminal contract awarded",
                           milestone_type="procurement", planned_on=date(2019, 12, 31),
                           actual_on=date(2020, 8, 20)),
            MilestoneInput(title_zh="北登機廊廳啟用", title_en="North concourse opens",
                           milestone_type="delivery", planned_on=date(2025, 6, 30),
                           actual_on=date(2025, 9, 25)),
            MilestoneInput(title_zh="變更設計外部審查報告", title_en="External review of design changes",
                           milestone_type="assessment", planned_on=date(2026, 6, 30),
                           actual_on=date(2026, 7, 10)),
            MilestoneInput(title_zh="第三航廈主航廈啟用", title_en="Main Terminal 3 building opens",
                           milestone_type="delivery", planned_on=date(2027, 12, 31)),
        ],
        documents=[
            DocumentInput(title="第三航站區建設計畫（交通部民用航空局網站）",
                          url="https://www.caa.gov.tw/", document_type="projectPlan"),
            DocumentInput(title="決標公告查詢（政府電子採購網）", url=PCC_SITE,
                          document_type="awardNotice"),
        ],
        contracts=[
            _contract("第三航廈主航廈土建工程（示範）", "skyport", 44_500_000_000,
                      "DEMO-CAA-T3-01", date(2020, 8, 20)),
            _contract("第三航廈北登機廊廳工程（示範）", "concourse", 7_200_000_000,
                      "DEMO-CAA-T3-02", date(2018, 9, 14)),
        ],
    )


def _danjiang_bridge() -> DemoCase:
    members = [
        _member("宋○○（副局長）", "交通部公路局", "agency"),
        _member("鍾○○", "交通部公路局北區養護工程分局", "agency"),
        _member("蘇○○", "交通部公路局政風室", "integrity_unit"),
        _member("檢察官", "臺灣士林地方檢察署", "prosecutor"),
        _member("游○○", "審計部", "auditor"),
        _member("歐○○（教授）", "國立大學土木工程學系（橋梁工程）", "expert"),
        _member("淡水八里地方代表", "淡水區、八里區社區代表（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="A61180000",
        application=ApplicationInput(
            case=CaseInput(
                slug="danjiang-bridge",
                title_zh="淡江大橋及其連絡道路新建工程",
                title_en="Danjiang Bridge and Approach Roads",
                sector_code="road", procurement_kind="works", status="completed",
                county="new-taipei",
                address="新北市淡水區沙崙至八里區（淡水河口）",
                latitude=Decimal("25.172000"), longitude=Decimal("121.422000"),
                budget_ntd=15_400_000_000, contract_value_ntd=10_550_000_000,
                summary_zh=(
                    "淡江大橋橫跨淡水河口，連接淡水與八里，主橋為單塔斜張橋。"
                    "主橋採國際標辦理，海上施工受季風與潮汐影響。"
                    "平臺持續追蹤鋼構品質與海上工安，工程已完工通車。本案為示範資料。"),
                summary_en=(
                    "The Danjiang Bridge crosses the mouth of the Tamsui River between Tamsui and "
                    "Bali; its main span is a single-pylon cable-stayed bridge. The main bridge was "
                    "tendered internationally and built at sea, exposed to monsoon winds and tides. "
                    "The platform followed steel quality and marine safety until the bridge opened. "
                    "Demonstration data."),
                platform_established_on=date(2018, 3, 20),
            ),
            reason=(
                "主橋結構特殊、施工難度高，國際標資格門檻易引發限制競爭疑慮；海上作業工安風險"
                "高，鋼構焊接品質攸關安全。設置廉政平臺以強化外部監督。"),
            risks=[
                RiskInput(stage="tendering",
                          risk="國際標資格門檻過高，僅少數廠商得參與，限制競爭。",
                          likelihood="medium", impact="high",
                          mitigation="資格條件經外部委員檢視，並允許共同投標。",
                          owner="交通部公路局", status="closed"),
                RiskInput(stage="award",
                          risk="評選過程受外界關說或壓力。",
                          likelihood="low", impact="high",
                          mitigation="評選全程錄影，關說事項依規定登錄。",
                          owner="交通部公路局政風室", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="鋼構焊道檢測不實，影響結構安全。",
                          likelihood="medium", impact="high",
                          mitigation="焊道非破壞檢測由第三方抽驗並公開結果。",
                          owner="交通部公路局北區養護工程分局", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="海上作業遇強風巨浪發生工安事故。",
                          likelihood="medium", impact="high",
                          mitigation="訂定風速停工標準，作業船舶即時定位。",
                          owner="承攬廠商工安部門", status="closed"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2018, 6, 7), title="第1次廉政平臺會議",
                place="交通部公路局會議室", attendees=_attendees(members),
                agenda="一、主橋國際標招標策略。二、資格條件檢視。三、地方意見。",
                statements=[
                    ("交通部公路局 宋○○", "主橋採國際標，資格條件將參考國際大型橋梁案例。"),
                    ("交通部公路局政風室 蘇○○", "資格門檻應與工程需要相當，避免只有單一團隊符合。"),
                    ("淡水八里地方代表", "希望施工期間維持漁船進出航道。"),
                ],
                decisions=[
                    "資格條件開放共同投標。",
                    "施工期間航道維持方案於開工前公告。",
                ],
                follow_ups="公路局修正招標文件後公開閱覽。",
            ),
            MeetingInput(
                held_on=date(2023, 9, 21), title="第6次廉政平臺會議",
                place="交通部公路局北區養護工程分局會議室", attendees=_attendees(members),
                agenda="一、主橋鋼構吊裝進度。二、焊道檢測結果。三、工安事件檢討。",
                statements=[
                    ("交通部公路局北區養護工程分局 鍾○○", "焊道第三方檢測合格率高，少數瑕疵已修補複驗。"),
                    ("國立大學土木工程學系（橋梁工程） 歐○○", "合龍前應再次確認線形與索力量測資料。"),
                    ("臺灣士林地方檢察署 檢察官", "檢測報告應保存原始數據，以備日後查核。"),
                    ("審計部 游○○", "修補費用不得由機關負擔。"),
                ],
                decisions=[
                    "焊道檢測原始數據完整保存。",
                    "合龍前辦理外部專家查驗。",
                ],
                follow_ups="分局安排合龍前查驗。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="主橋統包工程決標", title_en="Main bridge design-build awarded",
                           milestone_type="procurement", planned_on=date(2019, 3, 31),
                           actual_on=date(2019, 5, 9)),
            MilestoneInput(title_zh="主橋合龍", title_en="Main span closure",
                           milestone_type="delivery", planned_on=date(2024, 6, 30),
                           actual_on=date(2024, 9, 13)),
            MilestoneInput(title_zh="通車", title_en="Bridge opens to traffic",
                           milestone_type="delivery", planned_on=date(2024, 12, 31),
                           actual_on=date(2025, 5, 12)),
            MilestoneInput(title_zh="結算驗收", title_en="Final account and acceptance",
                           milestone_type="contractClose", planned_on=date(2026, 6, 30),
                           actual_on=date(2026, 9, 30)),
        ],
        documents=[
            DocumentInput(title="淡江大橋工程介紹（交通部公路局網站）",
                          url="https://www.thb.gov.tw/", document_type="projectPlan"),
            DocumentInput(title="決標公告查詢（政府電子採購網）", url=PCC_SITE,
                          document_type="awardNotice"),
        ],
        contracts=[
            _contract("淡江大橋主橋統包工程（示範）", "seabridge", 8_900_000_000,
                      "DEMO-THB-DJ-01", date(2019, 5, 9)),
            _contract("淡江大橋八里端連絡道路工程（示範）", "coastroad", 1_650_000_000,
                      "DEMO-THB-DJ-02", date(2019, 10, 3)),
        ],
    )


def _mohw_nantou_hospital() -> DemoCase:
    members = [
        _member("高○○（院長）", "衛生福利部南投醫院", "agency"),
        _member("衛生福利部代表", "衛生福利部附屬醫療及社會福利機構管理會", "agency"),
        _member("唐○○", "衛生福利部政風處", "integrity_unit"),
        _member("檢察官", "臺灣南投地方檢察署", "prosecutor"),
        _member("游○○", "審計部", "auditor"),
        _member("田○○（建築師）", "醫療建築外部委員（示範）", "expert"),
    ]
    return DemoCase(
        agency_code="A21000000",
        application=ApplicationInput(
            case=CaseInput(
                slug="mohw-nantou-hospital-critical-care-building",
                title_zh="衛生福利部南投醫院急重症醫療大樓新建工程",
                title_en="MOHW Nantou Hospital Acute and Critical Care Building",
                sector_code="health", procurement_kind="works", status="tendering",
                county="nantou",
                address="南投縣南投市（部立南投醫院院區內）",
                latitude=Decimal("23.913000"), longitude=Decimal("120.685000"),
                budget_ntd=3_200_000_000,
                summary_zh=(
                    "新建急重症醫療大樓，提升中部山區的急診、加護與手術量能。"
                    "工程須在醫院持續營運下施工，並同步採購大型醫療設備。"
                    "平臺在招標前即介入，檢視規格與資格條件。本案為示範資料。"),
                summary_en=(
                    "A new acute and critical care building will add emergency, intensive care and "
                    "surgical capacity for central Taiwan's mountain areas. It must be built while "
                    "the hospital keeps running, and large medical equipment is bought alongside. "
                    "The platform reviews specifications and qualifications before tendering. "
                    "Demonstration data."),
                platform_established_on=date(2024, 3, 18),
            ),
            reason=(
                "醫療大樓工程結合建築與醫療設備採購，設備規格專業且供應商有限，易生綁標疑慮；"
                "施工期間需維持醫療服務。故於招標前申請設置廉政平臺。"),
            risks=[
                RiskInput(stage="planning",
                          risk="醫療設備規格依特定廠牌型號撰寫，形成規格綁標。",
                          likelihood="high", impact="high",
                          mitigation="規格以功能需求撰寫，並由外部委員與政風處共同檢視。",
                          owner="衛生福利部南投醫院", status="mitigating"),
                RiskInput(stage="tendering",
                          risk="統包工程投標家數不足，疑有圍標或流標後降低條件。",
                          likelihood="medium", impact="high",
                          mitigation="辦理招標前說明會擴大廠商參與，並分析投標情形。",
                          owner="衛生福利部政風處", status="open"),
                RiskInput(stage="award",
                          risk="評選委員與醫療設備代理商有利益關係。",
                          likelihood="medium", impact="medium",
                          mitigation="委員簽署利益衝突聲明並查核關係企業。",
                          owner="衛生福利部政風處", status="open"),
                RiskInput(stage="contract_implementation",
                          risk="施工干擾醫院營運，影響病人安全。",
                          likelihood="medium", impact="high",
                          mitigation="施工分區與動線計畫須經院方感染管制小組同意。",
                          owner="衛生福利部南投醫院", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2024, 5, 23), title="第1次廉政平臺會議",
                place="衛生福利部南投醫院會議室", attendees=_attendees(members),
                agenda="一、新建計畫概要。二、醫療設備規格撰寫原則。三、招標時程。",
                statements=[
                    ("衛生福利部南投醫院 高○○", "新大樓將整合急診、加護病房與手術室。"),
                    ("衛生福利部政風處 唐○○", "設備規格請避免出現廠牌型號或僅單一廠商可符合的參數。"),
                    ("醫療建築外部委員 田○○", "施工期間的院內動線與感染管制應納入招標文件。"),
                ],
                decisions=[
                    "設備規格送外部委員與政風處檢視後再公告。",
                    "施工期間營運維持計畫納入招標文件。",
                ],
                follow_ups="醫院修正規格書並送平臺成員。",
            ),
            MeetingInput(
                held_on=date(2025, 10, 16), title="第3次廉政平臺會議",
                place="衛生福利部會議室", attendees=_attendees(members),
                agenda="一、規格檢視結果。二、招標前說明會辦理情形。",
                statements=[
                    ("衛生福利部附屬醫療及社會福利機構管理會代表", "規格已刪除三項可能限制競爭的參數。"),
                    ("臺灣南投地方檢察署 檢察官", "招標期間如有不當接觸，請依規定登錄並通報。"),
                    ("審計部 游○○", "請注意預算是否足以反映營建物價上漲。"),
                ],
                decisions=[
                    "辦理第二場招標前說明會。",
                    "重新檢討預算並報核。",
                ],
                follow_ups="醫院檢討預算並提報主管機關。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="先期規劃核定", title_en="Preliminary plan approved",
                           milestone_type="approval", planned_on=date(2023, 12, 31),
                           actual_on=date(2024, 1, 30)),
            MilestoneInput(title_zh="統包工程招標公告", title_en="Design-build tender published",
                           milestone_type="procurement", planned_on=date(2026, 3, 31),
                           actual_on=date(2026, 4, 15)),
            MilestoneInput(title_zh="統包工程決標", title_en="Design-build contract awarded",
                           milestone_type="procurement", planned_on=date(2026, 12, 31)),
            MilestoneInput(title_zh="大樓啟用", title_en="Building opens",
                           milestone_type="delivery", planned_on=date(2030, 6, 30)),
        ],
        documents=[
            DocumentInput(title="招標公告查詢（政府電子採購網）", url=PCC_SITE,
                          document_type="tenderNotice"),
        ],
    )


def _taichung_school_rebuilding() -> DemoCase:
    members = [
        _member("詹○○（副局長）", "臺中市政府教育局", "agency"),
        _member("魏○○", "臺中市政府教育局國小教育科", "agency"),
        _member("方○○", "臺中市政府政風處", "integrity_unit"),
        _member("檢察官", "臺灣臺中地方檢察署", "prosecutor"),
        _member("戴○○", "審計部臺中市審計處", "auditor"),
        _member("范○○（技師）", "結構技師公會（示範）", "expert"),
        _member("家長會代表", "臺中市家長會聯合會（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="397110000",
        application=ApplicationInput(
            case=CaseInput(
                slug="taichung-school-rebuilding-programme",
                title_zh="臺中市公立國民中小學老舊校舍改建計畫",
                title_en="Taichung Public School Rebuilding Programme",
                sector_code="education", procurement_kind="works", status="implementation",
                county="taichung",
                address="臺中市北屯區、大里區、豐原區等十二所學校",
                budget_ntd=6_800_000_000, contract_value_ntd=2_600_000_000,
                summary_zh=(
                    "計畫分批改建耐震能力不足的老舊校舍，涵蓋十二所國中小。"
                    "各校工程規模不一，採分批統包方式辦理。"
                    "平臺納入家長代表，關注校園施工安全與材料品質。本案為示範資料。"),
                summary_en=(
                    "The programme rebuilds old school buildings that fail seismic standards at "
                    "twelve primary and junior high schools, in batches of design-build contracts. "
                    "Parents' representatives on the platform watch site safety on campus and the "
                    "quality of materials. Demonstration data."),
                platform_established_on=date(2022, 2, 21),
            ),
            reason=(
                "校舍改建分散於多所學校，標案數量多、單校金額小，易發生建築師遴選不公、"
                "材料抽驗不實等問題；且施工期間師生仍在校園活動，工安要求高。"
                "故以整體計畫申請設置廉政平臺。"),
            risks=[
                RiskInput(stage="planning",
                          risk="建築師遴選委員與投標建築師事務所有利益關係。",
                          likelihood="medium", impact="medium",
                          mitigation="委員名單由資料庫隨機抽選並簽署迴避聲明。",
                          owner="臺中市政府教育局", status="closed"),
                RiskInput(stage="tendering",
                          risk="招標文件指定特定建材品牌，形成綁標。",
                          likelihood="medium", impact="medium",
                          mitigation="建材規格改以性能標準敘明並加註同等品。",
                          owner="臺中市政府政風處", status="closed"),
                RiskInput(stage="tendering",
                          risk="同一批標案由關係企業輪流投標，疑有圍標。",
                          likelihood="medium", impact="high",
                          mitigation="比對投標廠商負責人及地址，異常者移請檢調。",
                          owner="臺中市政府政風處", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="鋼筋與混凝土材料抽驗不實，影響校舍耐震能力。",
                          likelihood="medium", impact="high",
                          mitigation="結構技師不定期抽查，抽驗結果公開給家長會。",
                          owner="臺中市政府教育局", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="校園施工區與師生動線未完全隔離，發生工安意外。",
                          likelihood="medium", impact="high",
                          mitigation="施工圍籬與動線計畫須經學校同意，上下學時段禁止車輛進出。",
                          owner="各校總務處", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2022, 4, 14), title="第1次廉政平臺會議",
                place="臺中市政府教育局會議室", attendees=_attendees(members),
                agenda="一、改建學校名單與分批方式。二、建築師遴選程序。三、校園工安。",
                statements=[
                    ("臺中市政府教育局 詹○○", "十二所學校將分三批辦理，優先處理耐震能力最差者。"),
                    ("臺中市家長會聯合會 家長會代表", "家長最擔心上下學時段工程車進出校園。"),
                    ("臺中市政府政風處 方○○", "分批統包容易出現相同廠商群輪流得標，應持續觀察。"),
                ],
                decisions=[
                    "上下學時段禁止工程車輛進出校園。",
                    "政風處彙整各批投標廠商資料分析。",
                ],
                follow_ups="教育局函知各校訂定施工期間動線計畫。",
            ),
            MeetingInput(
                held_on=date(2025, 3, 27), title="第4次廉政平臺會議",
                place="臺中市政府教育局會議室", attendees=_attendees(members),
                agenda="一、第一批工程進度。二、材料抽查結果。三、第二批招標情形。",
                statements=[
                    ("結構技師公會 范○○", "抽查一校鋼筋間距不符設計，已要求拆除重做。"),
                    ("審計部臺中市審計處 戴○○", "拆除重做的費用與工期應由承商負擔。"),
                    ("臺灣臺中地方檢察署 檢察官", "如監造人員簽認不實，應追究責任。"),
                    ("臺中市政府教育局 魏○○", "已加派監造人員並增加隱蔽部分查驗。"),
                ],
                decisions=[
                    "隱蔽部分查驗須拍照並上傳系統。",
                    "監造簽認不實情形移政風處調查。",
                    "抽查結果提供家長會。",
                ],
                follow_ups="政風處調查監造簽認情形並提報結果。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="第一批統包工程決標", title_en="First batch awarded",
                           milestone_type="procurement", planned_on=date(2022, 9, 30),
                           actual_on=date(2022, 11, 4)),
            MilestoneInput(title_zh="第一批校舍完工", title_en="First batch of buildings completed",
                           milestone_type="delivery", planned_on=date(2025, 8, 31),
                           actual_on=date(2025, 8, 22)),
            MilestoneInput(title_zh="第二批校舍完工", title_en="Second batch completed",
                           milestone_type="delivery", planned_on=date(2027, 7, 31)),
        ],
        documents=[
            DocumentInput(title="老舊校舍改建計畫（臺中市政府教育局網站）",
                          url="https://www.tc.edu.tw/", document_type="projectPlan"),
        ],
        contracts=[
            _contract("第一批校舍改建統包工程（北屯、大里區四校）（示範）", "schoolbuild",
                      1_480_000_000, "DEMO-TCE-SR-01", date(2022, 11, 4)),
            _contract("第二批校舍改建統包工程（豐原區三校）（示範）", "taoyuan-civil",
                      1_120_000_000, "DEMO-TCE-SR-02", date(2024, 1, 19)),
        ],
    )


def _moe_rural_school_rebuilding() -> DemoCase:
    """Deliberately incomplete: no English summary, no milestones, no documents yet."""
    members = [
        _member("教育部國民及學前教育署代表", "教育部國民及學前教育署", "agency"),
        _member("丁○○", "教育部國民及學前教育署", "agency"),
        _member("鄒○○", "教育部政風處", "integrity_unit"),
        _member("游○○", "審計部", "auditor"),
        _member("偏鄉教育團體代表", "偏鄉教育協會（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="A09000000",
        application=ApplicationInput(
            case=CaseInput(
                slug="moe-rural-school-seismic-rebuilding",
                title_zh="偏遠地區國民中小學校舍耐震重建計畫",
                title_en="Seismic Rebuilding of Rural Primary and Junior High Schools",
                sector_code="education", procurement_kind="works", status="preparation",
                county="multiple",
                address="花蓮縣、臺東縣、屏東縣等偏遠地區學校",
                budget_ntd=2_400_000_000,
                summary_zh=(
                    "計畫協助偏遠地區學校重建耐震能力不足的校舍，由地方政府分別辦理採購。"
                    "偏遠地區廠商少、運費高，流標與低價搶標風險並存。本案為示範資料。"),
                platform_established_on=date(2024, 9, 9),
            ),
            reason=(
                "補助案件分散於多個縣市，偏遠地區投標廠商少，容易發生流標後限制性招標、"
                "圍標及履約品質不佳等問題，需建立跨縣市的統一監督平臺。"),
            risks=[
                RiskInput(stage="tendering",
                          risk="偏遠地區多次流標後改採限制性招標，價格失去競爭。",
                          likelihood="high", impact="medium",
                          mitigation="流標原因分析後調整預算，限制性招標須報部備查。",
                          owner="教育部國民及學前教育署", status="open"),
                RiskInput(stage="tendering",
                          risk="少數在地廠商協議分配標案。",
                          likelihood="medium", impact="medium",
                          mitigation="彙整各縣市得標資料，分析得標集中度。",
                          owner="教育部政風處", status="open"),
                RiskInput(stage="contract_implementation",
                          risk="偏遠工地監造不足，材料抽驗流於形式。",
                          likelihood="high", impact="high",
                          mitigation="由部委託專業機構辦理巡迴抽查。",
                          owner="教育部國民及學前教育署", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2024, 11, 21), title="第1次廉政平臺會議",
                place="教育部國民及學前教育署會議室", attendees=_attendees(members),
                agenda="一、補助學校名單。二、各縣市招標準備情形。",
                statements=[
                    ("教育部國民及學前教育署 丁○○", "第一年補助八所學校，由縣市政府擔任採購機關。"),
                    ("偏鄉教育協會代表", "希望施工期間學生有安全的臨時教室。"),
                    ("教育部政風處 鄒○○", "建議各縣市政風單位共同參與平臺。"),
                ],
                decisions=[
                    "邀請相關縣市政府政風處加入平臺。",
                    "臨時教室安全檢查納入補助條件。",
                ],
                follow_ups="國教署函請縣市政府指派平臺聯絡人。",
            ),
            MeetingInput(
                held_on=date(2026, 5, 14), title="第2次廉政平臺會議",
                place="教育部國民及學前教育署會議室", attendees=_attendees(members),
                agenda="一、流標案件檢討。二、巡迴抽查機制。",
                statements=[
                    ("教育部國民及學前教育署 丁○○", "八所學校中有三所流標兩次以上，主因為運費與人力成本。"),
                    ("審計部 游○○", "預算調整應有市場價格依據。"),
                    ("教育部政風處 鄒○○", "改採限制性招標的案件請完整說明比價過程。"),
                ],
                decisions=[
                    "流標案件依市場價格調整預算後重新公告。",
                    "研擬巡迴抽查委託案。",
                ],
                follow_ups="國教署提出巡迴抽查委託案需求書。",
            ),
        ],
    )


def _nlma_sanchong_social_housing() -> DemoCase:
    members = [
        _member("葉○○（組長）", "內政部國土管理署", "agency"),
        _member("白○○", "內政部國土管理署住宅發展組", "agency"),
        _member("袁○○", "內政部政風處", "integrity_unit"),
        _member("檢察官", "臺灣新北地方檢察署", "prosecutor"),
        _member("游○○", "審計部", "auditor"),
        _member("洪○○（教授）", "國立大學建築學系", "expert"),
        _member("住宅團體代表", "社會住宅推動聯盟（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="A41080000",
        application=ApplicationInput(
            case=CaseInput(
                slug="new-taipei-sanchong-social-housing",
                title_zh="新北市三重區社會住宅新建統包工程",
                title_en="Sanchong Social Housing, New Taipei City",
                sector_code="social-housing", procurement_kind="works", status="tendering",
                county="new-taipei",
                address="新北市三重區（臺北橋附近公有土地）",
                latitude=Decimal("25.063000"), longitude=Decimal("121.488000"),
                budget_ntd=5_600_000_000,
                summary_zh=(
                    "於三重區公有土地興建約八百戶社會住宅，並附設托育與長照空間。"
                    "本案採統包方式辦理，設計與施工由同一團隊負責。"
                    "平臺於招標階段檢視評選機制與預鑄工法規格。本案為示範資料。"),
                summary_en=(
                    "About 800 social housing units with childcare and long-term care spaces will "
                    "be built on public land in Sanchong. A single design-build team will design and "
                    "build it. During tendering the platform reviews the evaluation rules and the "
                    "prefabrication specifications. Demonstration data."),
                platform_established_on=date(2023, 6, 19),
            ),
            reason=(
                "社會住宅政策受社會高度關注，統包評選裁量空間大，且預鑄工法供應商有限，"
                "易引發綁標及評選不公疑慮。為確保公開透明並納入住宅團體意見，申請設置廉政平臺。"),
            risks=[
                RiskInput(stage="planning",
                          risk="指定特定預鑄工法，排除其他工法廠商參與。",
                          likelihood="medium", impact="high",
                          mitigation="以性能規格敘明，並辦理公開閱覽。",
                          owner="內政部國土管理署", status="closed"),
                RiskInput(stage="tendering",
                          risk="統包標投標家數過少，疑有圍標。",
                          likelihood="medium", impact="high",
                          mitigation="延長等標期並辦理廠商說明會。",
                          owner="內政部政風處", status="mitigating"),
                RiskInput(stage="award",
                          risk="評選委員與投標團隊建築師有師生或合夥關係。",
                          likelihood="medium", impact="medium",
                          mitigation="委員揭露近三年合作關係，有關係者迴避。",
                          owner="內政部政風處", status="open"),
                RiskInput(stage="contract_implementation",
                          risk="得標後分包層層轉包，品質難以控管。",
                          likelihood="medium", impact="medium",
                          mitigation="契約明定主要部分不得轉包，分包商須經同意。",
                          owner="內政部國土管理署", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2023, 8, 24), title="第1次廉政平臺會議",
                place="內政部國土管理署會議室", attendees=_attendees(members),
                agenda="一、基地條件與規劃。二、統包招標策略。三、住宅團體意見。",
                statements=[
                    ("內政部國土管理署 葉○○", "本案將採統包並鼓勵預鑄工法，以縮短工期。"),
                    ("社會住宅推動聯盟 住宅團體代表", "希望租金與戶型配置能符合在地需求。"),
                    ("國立大學建築學系 洪○○", "預鑄工法規格若寫得太細，會變成只有少數廠商能做。"),
                    ("內政部政風處 袁○○", "建議招標文件公開閱覽，並紀錄廠商意見處理情形。"),
                ],
                decisions=[
                    "招標文件公開閱覽三十日。",
                    "預鑄工法改以性能規格敘明。",
                ],
                follow_ups="國土管理署彙整公開閱覽意見。",
            ),
            MeetingInput(
                held_on=date(2026, 9, 10), title="第3次廉政平臺會議",
                place="內政部國土管理署會議室", attendees=_attendees(members),
                agenda="一、第一次招標結果。二、評選委員遴選。",
                statements=[
                    ("內政部國土管理署 白○○", "第一次招標僅兩家投標，依規定仍可開標，但將檢討競爭情形。"),
                    ("臺灣新北地方檢察署 檢察官", "兩家投標廠商如有關聯，請提供資料以利分析。"),
                    ("審計部 游○○", "如重新招標，請說明預算調整依據。"),
                ],
                decisions=[
                    "政風處查核兩家投標廠商關聯性。",
                    "評選委員揭露合作關係後始得參與評選。",
                ],
                follow_ups="政風處於下次會議報告查核結果。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="可行性評估核定", title_en="Feasibility study approved",
                           milestone_type="approval", planned_on=date(2023, 3, 31),
                           actual_on=date(2023, 4, 26)),
            MilestoneInput(title_zh="統包工程招標公告", title_en="Design-build tender published",
                           milestone_type="procurement", planned_on=date(2026, 6, 30),
                           actual_on=date(2026, 7, 20)),
            MilestoneInput(title_zh="統包工程決標", title_en="Design-build contract awarded",
                           milestone_type="procurement", planned_on=date(2027, 1, 31)),
            MilestoneInput(title_zh="社會住宅完工入住", title_en="Tenants move in",
                           milestone_type="delivery", planned_on=date(2031, 6, 30)),
        ],
        documents=[
            DocumentInput(title="社會住宅政策（內政部國土管理署網站）",
                          url="https://www.nlma.gov.tw/", document_type="projectPlan"),
        ],
    )


def _kaohsiung_waste_to_energy() -> DemoCase:
    """Deliberately incomplete: in implementation but no contract recorded yet."""
    members = [
        _member("張○○（副局長）", "高雄市政府環境保護局", "agency"),
        _member("溫○○", "高雄市政府環境保護局廢棄物處理工程科", "agency"),
        _member("莊○○", "高雄市政府政風處", "integrity_unit"),
        _member("主任檢察官", "臺灣高雄地方檢察署", "prosecutor"),
        _member("盧○○", "審計部高雄市審計處", "auditor"),
        _member("廖○○（教授）", "國立大學環境工程研究所", "expert"),
        _member("前鎮區環保團體代表", "在地環境保護聯盟（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="383120000",
        application=ApplicationInput(
            case=CaseInput(
                slug="kaohsiung-central-waste-to-energy-upgrade",
                title_zh="高雄市中區資源回收廠升級整建工程",
                title_en="Kaohsiung Central Waste-to-Energy Plant Upgrade",
                sector_code="energy", procurement_kind="works", status="implementation",
                county="kaohsiung",
                address="高雄市前鎮區（中區資源回收廠）",
                latitude=Decimal("22.595000"), longitude=Decimal("120.320000"),
                budget_ntd=8_900_000_000,
                summary_zh=(
                    "整建老舊焚化廠的焚化爐與發電機組，提高處理量與發電效率並降低排放。"
                    "工程採設計、施工及代操作一併發包，營運期長達十餘年。"
                    "平臺關注設備規格與營運期發電量申報。本案為示範資料。"),
                summary_en=(
                    "The ageing incinerator's furnaces and generators are rebuilt to treat more "
                    "waste, generate more power and emit less. Design, construction and operation "
                    "for more than ten years are let as one contract. The platform watches equipment "
                    "specifications and the power output reported during operation. "
                    "Demonstration data."),
                platform_established_on=date(2022, 8, 15),
            ),
            reason=(
                "焚化廠整建結合設計、施工與長期代操作，金額龐大且營運期長，爐床等核心設備"
                "供應商少，易發生綁標及營運數據不實；周邊居民亦關切排放。故申請設置廉政平臺。"),
            risks=[
                RiskInput(stage="planning",
                          risk="焚化爐床技術規格指定特定國外廠牌。",
                          likelihood="high", impact="high",
                          mitigation="以處理量與排放標準等功能需求訂定規格，並由外部委員審查。",
                          owner="高雄市政府環境保護局", status="closed"),
                RiskInput(stage="tendering",
                          risk="國際標投標廠商少，可能協議分工。",
                          likelihood="medium", impact="high",
                          mitigation="延長等標期並分析投標團隊成員關聯。",
                          owner="高雄市政府政風處", status="closed"),
                RiskInput(stage="award",
                          risk="代操作費用計算方式不透明，決標後易生爭議。",
                          likelihood="medium", impact="medium",
                          mitigation="代操作費用公式於招標文件明列並公開。",
                          owner="高雄市政府環境保護局", status="mitigating"),
                RiskInput(stage="contract_implementation",
                          risk="營運期發電量與進廠垃圾量申報不實，溢領費用。",
                          likelihood="medium", impact="high",
                          mitigation="地磅與發電數據即時上傳並定期稽核。",
                          owner="高雄市政府環境保護局", status="open"),
                RiskInput(stage="contract_implementation",
                          risk="停爐整建期間高溫及局限空間作業發生工安事故。",
                          likelihood="medium", impact="high",
                          mitigation="局限空間作業許可與氣體偵測，並每週工安巡查。",
                          owner="承攬廠商工安部門", status="mitigating"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2022, 10, 20), title="第1次廉政平臺會議",
                place="高雄市政府環境保護局會議室", attendees=_attendees(members),
                agenda="一、整建計畫與招標策略。二、爐床規格。三、居民關切事項。",
                statements=[
                    ("高雄市政府環境保護局 張○○", "整建期間將分爐停機，維持垃圾處理不中斷。"),
                    ("國立大學環境工程研究所 廖○○", "爐床規格應以處理量與排放表現為準，不宜指定技術來源。"),
                    ("在地環境保護聯盟 前鎮區環保團體代表", "希望排放監測數據即時公開。"),
                ],
                decisions=[
                    "爐床規格改以功能需求敘明。",
                    "排放連續監測數據於網站即時公開。",
                ],
                follow_ups="環保局修正招標文件並公開閱覽。",
            ),
            MeetingInput(
                held_on=date(2024, 4, 18), title="第3次廉政平臺會議",
                place="高雄市政府環境保護局會議室", attendees=_attendees(members),
                agenda="一、決標結果報告。二、代操作費用公式。三、工安計畫。",
                statements=[
                    ("高雄市政府政風處 莊○○", "投標團隊成員關聯分析未發現異常。"),
                    ("審計部高雄市審計處 盧○○", "代操作費用應與發電收益分配方式一併檢視。"),
                    ("臺灣高雄地方檢察署 主任檢察官", "營運數據的稽核權限應在契約中明確約定。"),
                ],
                decisions=[
                    "契約明定機關得隨時調閱地磅與發電原始數據。",
                    "發電收益分配方式提下次會議說明。",
                ],
                follow_ups="環保局說明發電收益分配方式。",
            ),
            MeetingInput(
                held_on=date(2026, 3, 19), title="第5次廉政平臺會議",
                place="中區資源回收廠會議室", attendees=_attendees(members),
                agenda="一、第一爐整建進度。二、工安巡查結果。三、數據上傳測試。",
                statements=[
                    ("高雄市政府環境保護局 溫○○", "第一爐已停爐整建，預計年底前試運轉。"),
                    ("高雄市政府政風處 莊○○", "工安巡查發現局限空間作業未全程偵測氣體，已要求改善。"),
                    ("在地環境保護聯盟 前鎮區環保團體代表", "即時監測網頁上線後，居民查詢方便許多。"),
                    ("國立大學環境工程研究所 廖○○", "試運轉期間的排放數據也應公開。"),
                ],
                decisions=[
                    "局限空間作業未偵測者立即停工。",
                    "試運轉期間排放數據同步公開。",
                ],
                follow_ups="環保局於下次會議報告試運轉結果。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="整建統包暨代操作案決標", title_en="Upgrade and operation contract awarded",
                           milestone_type="procurement", planned_on=date(2023, 12, 31),
                           actual_on=date(2024, 2, 27)),
            MilestoneInput(title_zh="第一爐整建完成試運轉", title_en="First furnace back in trial operation",
                           milestone_type="delivery", planned_on=date(2026, 12, 31)),
            MilestoneInput(title_zh="全廠整建完成", title_en="Whole plant upgraded",
                           milestone_type="delivery", planned_on=date(2028, 12, 31)),
        ],
        documents=[
            DocumentInput(title="焚化廠整建計畫（高雄市政府環境保護局網站）",
                          url="https://ksepb.kcg.gov.tw/", document_type="projectPlan"),
            DocumentInput(title="環境影響說明（高雄市政府環境保護局網站）",
                          url="https://ksepb.kcg.gov.tw/", document_type="environmentalImpact"),
        ],
    )


def _taipei_performing_arts_center() -> DemoCase:
    members = [
        _member("范○○（副局長）", "臺北市政府工務局", "agency"),
        _member("徐○○", "臺北市政府工務局新建工程處", "agency"),
        _member("張○○", "臺北市政府政風處", "integrity_unit"),
        _member("檢察官", "臺灣士林地方檢察署", "prosecutor"),
        _member("李○○", "審計部臺北市審計處", "auditor"),
        _member("傅○○（教授）", "國立大學建築與城鄉研究所", "expert"),
        _member("士林地區文化團體代表", "士林在地文史協會（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="379140000",
        application=ApplicationInput(
            case=CaseInput(
                slug="taipei-performing-arts-center",
                title_zh="臺北表演藝術中心新建工程",
                title_en="Taipei Performing Arts Center",
                sector_code="culture-sport", procurement_kind="works", status="completed",
                county="taipei",
                address="臺北市士林區劍潭路（士林夜市旁）",
                latitude=Decimal("25.084600"), longitude=Decimal("121.525000"),
                budget_ntd=6_700_000_000, contract_value_ntd=4_300_000_000,
                summary_zh=(
                    "臺北表演藝術中心由三座劇場量體結合中央立方體，結構與鋼構形式特殊。"
                    "工程期間歷經多次工期展延與變更設計，履約爭議受到議會關注。"
                    "平臺於履約後期設置，協助釐清展延責任與結算。本案為示範資料。"),
                summary_en=(
                    "The Taipei Performing Arts Center joins three theatres to a central cube, with "
                    "an unusual structure and steelwork. The works saw several extensions of time "
                    "and design changes that the city council followed closely. The platform was "
                    "set up late in the contract to clarify responsibility for delays and settle the "
                    "final account. Demonstration data."),
                platform_established_on=date(2016, 11, 10),
            ),
            reason=(
                "本工程結構複雜，履約期間多次展延並追加預算，外界對變更設計與承商更替過程"
                "有所質疑。設置廉政平臺以公開處理履約爭議並確保結算合理。"),
            risks=[
                RiskInput(stage="tendering",
                          risk="多次流標後重新招標，降低資格條件引發圖利疑慮。",
                          likelihood="medium", impact="medium",
                          mitigation="重新招標條件調整理由公開說明。",
                          owner="臺北市政府工務局新建工程處", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="變更設計追加預算缺乏充分審查。",
                          likelihood="high", impact="high",
                          mitigation="變更設計逐案送外部委員審查並提平臺報告。",
                          owner="臺北市政府工務局新建工程處", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="工期展延責任歸屬不清，機關不當給予展延。",
                          likelihood="medium", impact="high",
                          mitigation="展延申請逐項檢視，並由審計處參與結算審查。",
                          owner="臺北市政府政風處", status="closed"),
                RiskInput(stage="contract_implementation",
                          risk="特殊鋼構材料檢驗不實。",
                          likelihood="medium", impact="high",
                          mitigation="鋼構材料由第三方檢驗並保存報告。",
                          owner="臺北市政府工務局新建工程處", status="closed"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2017, 1, 19), title="第1次廉政平臺會議",
                place="臺北市政府工務局會議室", attendees=_attendees(members),
                agenda="一、工程履約現況。二、展延與變更設計案件清單。",
                statements=[
                    ("臺北市政府工務局 范○○", "目前累計展延案件多件，將逐案說明責任歸屬。"),
                    ("審計部臺北市審計處 李○○", "展延與變更設計應分開處理，避免互相抵銷責任。"),
                    ("臺北市政府政風處 張○○", "建議建立案件清單，每次會議更新處理進度。"),
                ],
                decisions=[
                    "建立展延及變更設計案件清單。",
                    "每次會議報告案件處理進度。",
                ],
                follow_ups="新工處彙整案件清單。",
            ),
            MeetingInput(
                held_on=date(2021, 12, 9), title="第6次廉政平臺會議",
                place="臺北市政府工務局會議室", attendees=_attendees(members),
                agenda="一、完工驗收準備。二、結算爭議處理。",
                statements=[
                    ("臺北市政府工務局新建工程處 徐○○", "主體工程已完成，正辦理使用執照與驗收。"),
                    ("臺灣士林地方檢察署 檢察官", "結算爭議如進入仲裁，相關紀錄應完整保存。"),
                    ("國立大學建築與城鄉研究所 傅○○", "建議將本案經驗整理成大型文化設施工程的參考。"),
                    ("士林在地文史協會 士林地區文化團體代表", "希望啟用後保留部分空間給在地團體使用。"),
                ],
                decisions=[
                    "結算爭議處理情形持續於平臺報告。",
                    "彙整本案履約經驗供其他機關參考。",
                    "在地團體使用空間之建議轉請營運單位研議。",
                ],
                follow_ups="工務局撰寫履約經驗報告。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="主體建築工程決標", title_en="Main building contract awarded",
                           milestone_type="procurement", planned_on=date(2012, 6, 30),
                           actual_on=date(2012, 10, 3)),
            MilestoneInput(title_zh="取得使用執照", title_en="Occupancy permit issued",
                           milestone_type="approval", planned_on=date(2021, 6, 30),
                           actual_on=date(2021, 11, 26)),
            MilestoneInput(title_zh="全館啟用", title_en="Fully opened",
                           milestone_type="delivery", planned_on=date(2022, 6, 30),
                           actual_on=date(2022, 8, 7)),
        ],
        documents=[
            DocumentInput(title="工程資訊（臺北市政府工務局網站）",
                          url="https://pwd.gov.taipei/", document_type="completionCertificate"),
        ],
        contracts=[
            _contract("臺北表演藝術中心主體建築工程（示範）", "stagecraft", 4_300_000_000,
                      "DEMO-TPW-PAC-01", date(2012, 10, 3)),
        ],
    )


def _tainan_baseball_stadium() -> DemoCase:
    """Deliberately incomplete: no English summary and no documents yet."""
    members = [
        _member("臺南市政府體育局代表", "臺南市政府體育局", "agency"),
        _member("錢○○", "臺南市政府工務局", "agency"),
        _member("湯○○", "臺南市政府政風處", "integrity_unit"),
        _member("羅○○", "審計部臺南市審計處", "auditor"),
        _member("殷○○（建築師）", "運動設施規劃外部委員（示範）", "expert"),
        _member("球迷團體代表", "臺南棒球文化推廣協會（示範）", "civil_society"),
    ]
    return DemoCase(
        agency_code="395000000",
        application=ApplicationInput(
            case=CaseInput(
                slug="tainan-baseball-stadium-redevelopment",
                title_zh="臺南市立棒球場整建及周邊運動園區計畫",
                title_en="Tainan Municipal Baseball Stadium Redevelopment",
                sector_code="culture-sport", procurement_kind="works", status="preparation",
                county="tainan",
                address="臺南市南區健康路一段（臺南市立棒球場）",
                latitude=Decimal("22.983500"), longitude=Decimal("120.208000"),
                budget_ntd=3_000_000_000,
                summary_zh=(
                    "整建歷史悠久的臺南市立棒球場，並規劃周邊運動園區與停車設施。"
                    "計畫兼顧古蹟周邊景觀與職業賽事需求，目前辦理規劃設計。本案為示範資料。"),
                platform_established_on=date(2024, 4, 22),
            ),
            reason=(
                "棒球場整建涉及職業球團使用權、周邊商業開發與文化資產審議，利害關係人眾多，"
                "規劃階段即有綁標與利益輸送疑慮，需及早建立公開監督機制。"),
            risks=[
                RiskInput(stage="planning",
                          risk="規劃內容配合特定球團或商業開發者需求，形成利益輸送。",
                          likelihood="medium", impact="high",
                          mitigation="需求說明書公開並辦理公聽會。",
                          owner="臺南市政府體育局", status="open"),
                RiskInput(stage="tendering",
                          risk="委託規劃設計案資格條件限縮，僅特定事務所符合。",
                          likelihood="medium", impact="medium",
                          mitigation="資格條件送政風處檢視。",
                          owner="臺南市政府政風處", status="mitigating"),
                RiskInput(stage="award",
                          risk="評選委員與投標建築師事務所有合作關係。",
                          likelihood="low", impact="medium",
                          mitigation="委員揭露合作關係並迴避。",
                          owner="臺南市政府政風處", status="open"),
            ],
        ),
        members=members,
        meetings=[
            MeetingInput(
                held_on=date(2024, 6, 27), title="第1次廉政平臺會議",
                place="臺南市政府體育局會議室", attendees=_attendees(members),
                agenda="一、整建構想。二、規劃設計委託招標。",
                statements=[
                    ("臺南市政府體育局代表", "整建將保留球場歷史記憶，並提升觀賽品質。"),
                    ("臺南棒球文化推廣協會 球迷團體代表", "希望票價與座位配置能照顧基層球迷。"),
                    ("臺南市政府政風處 湯○○", "規劃設計委託的資格條件應先送本處檢視。"),
                ],
                decisions=[
                    "規劃設計委託資格條件送政風處檢視。",
                    "需求說明書公開並辦理公聽會。",
                ],
                follow_ups="體育局辦理公聽會並彙整意見。",
            ),
            MeetingInput(
                held_on=date(2025, 12, 11), title="第2次廉政平臺會議",
                place="臺南市政府體育局會議室", attendees=_attendees(members),
                agenda="一、公聽會意見處理。二、規劃設計評選結果。",
                statements=[
                    ("臺南市政府工務局 錢○○", "規劃設計案已完成評選，共有四家事務所投標。"),
                    ("審計部臺南市審計處 羅○○", "整建經費估算請區分公有設施與商業設施。"),
                    ("運動設施規劃外部委員 殷○○", "觀眾席擴建須注意與周邊古蹟的景觀關係。"),
                ],
                decisions=[
                    "經費估算區分公有設施與商業設施。",
                    "公聽會意見處理情形於網站公開。",
                ],
                follow_ups="體育局提出經費估算修正版。",
            ),
        ],
        milestones=[
            MilestoneInput(title_zh="規劃設計委託決標", title_en="Design services awarded",
                           milestone_type="procurement", planned_on=date(2025, 9, 30),
                           actual_on=date(2025, 11, 20)),
            MilestoneInput(title_zh="基本設計核定", title_en="Basic design approved",
                           milestone_type="approval", planned_on=date(2026, 12, 31)),
            MilestoneInput(title_zh="整建工程決標", title_en="Construction contract awarded",
                           milestone_type="procurement", planned_on=date(2027, 9, 30)),
        ],
    )


def demo_cases() -> list[DemoCase]:
    """Every demonstration case, in the order they are created."""
    return [
        _taipei_mrt_wanda_line(),
        _taoyuan_mrt_green_line(),
        _tainan_railway_underground(),
        _zengwen_reservoir_desilting_tunnel(),
        _shimen_reservoir_amuping_tunnel(),
        _taoyuan_nankan_river(),
        _taoyuan_airport_terminal_3(),
        _danjiang_bridge(),
        _mohw_nantou_hospital(),
        _taichung_school_rebuilding(),
        _moe_rural_school_rebuilding(),
        _nlma_sanchong_social_housing(),
        _kaohsiung_waste_to_energy(),
        _taipei_performing_arts_center(),
        _tainan_baseball_stadium(),
    ]


def case_agency_codes() -> list[str]:
    """Codes of the agencies that own a demonstration case, each once."""
    return list(dict.fromkeys(demo.agency_code for demo in demo_cases()))


def load_cases(session: Session, *, admin: User, staff_by_agency_code: dict[str, User]) -> int:
    """Create the demonstration cases that do not exist yet and return how many were created.

    Each case is applied for by a staff member of its agency, approved by ``admin``, filled in
    with its parts by the same staff member, and featured by ``admin`` when it is a best
    practice. A case whose slug exists is skipped, so loading twice changes nothing; a case
    whose agency has no staff member in ``staff_by_agency_code`` is skipped too.
    """
    created = 0
    for demo in demo_cases():
        slug = demo.application.case.slug
        if get_case_with_parts(session, slug) is not None:
            continue
        staff = staff_by_agency_code.get(demo.agency_code)
        if staff is None:
            continue
        case = submit_application(session, replace(demo.application, is_demo=True), actor=staff)
        approve_application(session, case, actor=admin, comment=APPROVAL_COMMENT)
        session.flush()
        case = get_case_with_parts(session, slug)
        assert case is not None
        for member in demo.members:
            parts.add_member(case, member, actor=staff)
        for meeting in demo.meetings:
            parts.add_meeting(case, meeting, actor=staff)
        for milestone in demo.milestones:
            parts.add_milestone(case, milestone, actor=staff)
        for document in demo.documents:
            parts.add_document(case, document, actor=staff)
        for contract in demo.contracts:
            parts.add_contract(case, contract, actor=staff)
        if demo.best_practice:
            reason_zh, reason_en = demo.best_practice
            set_best_practice(session, case, actor=admin, is_best=True,
                              reason_zh=reason_zh, reason_en=reason_en)
        session.flush()
        created += 1
    return created
