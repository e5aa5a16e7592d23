"""The default integrity pledge: what a company commits to when it bids on or works for a
project watched by an integrity platform; and the first integrity self-assessment questionnaire,
what a company says of its own integrity programme. Written for Taiwan's procurement context.
"""

TITLE_ZH = "廠商廉潔承諾書"
TITLE_EN = "Supplier integrity pledge"

BODY_ZH = """本公司承諾，於參與本案（或本平臺所監督之公共工程及採購）之投標、決標、履約及驗收期間，遵守下列事項：

一、不行賄、不給予不正利益：本公司及其負責人、員工、代理人，不直接或間接向機關人員、評選委員、監造或專案管理人員及其親屬，期約、要求或交付任何財物、招待或其他不正利益。

二、不圍標、不綁標：不與其他廠商協議投標價格、分配標案或以借牌、陪標等方式影響競爭，亦不參與或要求訂定限制競爭之規格。

三、揭露中間人與代理人：如有委任代理人、顧問或其他中間人協助投標或履約，揭露其名稱、服務內容及支付之費用，且其支付不作為不正利益之用。

四、通報請託與索賄：遇有任何人請託關說、索取或暗示不正利益時，立即向機關政風單位或法務部廉政署通報，並保存相關紀錄。

五、配合監督：配合廉政平臺、政風單位、審計及檢察機關之查核與訪談，提供必要之文件與資料；分包商亦應遵守本承諾之相同義務。

六、接受後果：如違反上述承諾，本公司接受依政府採購法、契約及相關法令所為之處置，包括終止或解除契約、不發還押標金或保證金、刊登政府採購公報及其他法律責任，並同意違反之事實得於本平臺公開。"""

BODY_EN = """During bidding, award, performance and acceptance of this project (or of the public works and procurement this platform oversees), our company commits to the following:

1. No bribes or improper advantages: neither the company nor its officers, employees or agents will promise, request or give, directly or indirectly, any money, gifts, hospitality or other improper advantage to agency officials, evaluation committee members, supervising or project-management staff, or their relatives.

2. No collusion or bid rigging: we will not agree prices or the allocation of tenders with other bidders, bid under another firm's name or submit cover bids, nor take part in or ask for specifications that restrict competition.

3. Disclosure of agents and intermediaries: where agents, consultants or other intermediaries help us bid or perform, we disclose their names, services and fees, and no such payment serves as an improper advantage.

4. Reporting solicitation: whenever anyone seeks undue influence or asks for or hints at an improper advantage, we report it at once to the agency's integrity unit or the Agency Against Corruption, and keep records.

5. Cooperation with monitors: we cooperate with the integrity platform, integrity units, auditors and prosecutors in inspections and interviews and provide the necessary documents; our subcontractors take on the same obligations.

6. Accepted consequences: if we breach these commitments, we accept the measures taken under the Government Procurement Act, the contract and the law, including termination of the contract, forfeiture of bid bonds or guarantees, publication in the Government Procurement Gazette and other legal liability, and agree that the breach may be published on this platform."""


# The first self-assessment questionnaire: a company answers each yes, partly or no, with a note.
QUESTIONS = [
    {"key": "code_of_conduct",
     "text_zh": "本公司訂有書面之誠信經營守則或行為準則，並已公告周知全體員工。",
     "text_en": "The company has a written code of conduct or ethical business policy, made known to all staff."},
    {"key": "leadership",
     "text_zh": "董事會或負責人已明確承諾誠信經營，並指定專責單位或人員負責推動。",
     "text_en": "The board or the owner has committed to integrity in writing and named a unit or person "
                "responsible for it."},
    {"key": "training",
     "text_zh": "最近一年內，曾對員工（含參與採購及履約之人員）辦理誠信或反貪腐教育訓練。",
     "text_en": "In the last year, staff (including those who bid for and perform contracts) received "
                "integrity or anti-corruption training."},
    {"key": "reporting_channel",
     "text_zh": "設有保密之檢舉管道，並保護檢舉人不因檢舉而受不利處分。",
     "text_en": "There is a confidential channel for reporting wrongdoing, and people who report are "
                "protected from retaliation."},
    {"key": "third_party_due_diligence",
     "text_zh": "委任代理人、顧問或分包商前，會查核其背景與誠信紀錄，並於契約中要求遵守誠信條款。",
     "text_en": "Before engaging agents, consultants or subcontractors, the company checks their background "
                "and integrity record and binds them by contract to integrity terms."},
    {"key": "gifts_hospitality",
     "text_zh": "訂有餽贈、招待及其他利益之收受與提供規範，並留存紀錄。",
     "text_en": "There are rules on giving and receiving gifts, hospitality and other benefits, and a "
                "record is kept."},
    {"key": "conflict_of_interest",
     "text_zh": "員工及主管須申報利益衝突（例如與機關人員之親屬或財務關係），並有迴避程序。",
     "text_en": "Staff and managers declare conflicts of interest (such as family or financial ties to "
                "agency officials), and there is a procedure for stepping aside."},
    {"key": "payment_controls",
     "text_zh": "對採購相關之付款（如佣金、顧問費、代理費）設有內部控制，並經內部稽核查核。",
     "text_en": "Payments connected with procurement (commissions, consulting and agency fees) go through "
                "internal controls and are checked by internal audit."},
]
