"""The default notice on the report page, in Chinese and English: who reads a report, what happens
next, the protections the law gives reporters, and the offence of a false accusation. It states the
rules in force in December 2026; the authority publishes its own text at /admin/reports/notice when
one changes. Plain paragraphs separated by a blank line.
"""

BODY_ZH = """\
誰會閱讀您的檢舉

只有政風人員會閱讀：法務部廉政署的承辦人員，以及（除非您要求不要）您所檢舉機關的政風單位人員。檢舉涉及該政風單位本身時，只由廉政署處理。被檢舉機關的首長、主管與其他同仁，以及本網站的管理者，都無法閱讀。您寫下的內容一律加密保存；本網站不會把您的 IP 位址或瀏覽器資訊與檢舉一起保存。

接下來會怎麼處理

承辦人員會閱讀您的檢舉，也可能透過檢舉進度頁面向您提問。請妥善保管收執碼與通行密語，並不時回到檢舉進度頁面查看：我們沒有其他方式可以聯絡您。經查後，檢舉可能移送檢察機關偵辦，或附理由結案。結案數年後，檢舉會被刪除，只留下各機關每年的件數；公開的也只有件數，從不公開內容。

您受到的保護

貪污治罪條例第18條規定，貪污瀆職的檢舉人應予獎勵及保護。依「獎勵保護檢舉貪污瀆職辦法」，受理機關必須對檢舉人的身分資料保密；檢舉人的人身安全有受危害之虞時，可以請求保護；檢舉的案件經法院判決有罪時，可以依規定核發檢舉獎金。獎金只能發給能確認身分的檢舉人：如果您希望日後申請，請在檢舉中說明，承辦人員可以透過檢舉進度頁面告訴您怎麼辦理。

如果您任職於政府機關（構）、公營事業或政府控制的事業、團體或機構，「公益揭弊者保護法」（民國114年7月22日施行）也保障您不因揭弊而受到免職、降調、調動等不利的人事措施，並對您的身分保密。這部法律保護的是以真實姓名向受理機關（例如政風機構）提出的揭弊；在本網站不具名提出的檢舉，可能不在它的保護範圍內。如果您想以本名提出，請透過檢舉進度頁面詢問承辦人員。

不實檢舉的責任

請據實陳述，並說明哪些是您親眼所見、哪些是聽別人說的。意圖使他人受刑事或懲戒處分而向公務員誣告的人，依刑法第169條處七年以下有期徒刑。出於善意、事後才發現有誤的檢舉，不是誣告。
"""

BODY_EN = """\
Who reads your report

Only integrity officers read it: the officers of the Agency Against Corruption of the Ministry of Justice (法務部廉政署) and, unless you ask otherwise, the officers of the integrity unit (政風單位) of the agency your report is about. If your report is about that integrity unit itself, only the Agency Against Corruption handles it. The agency's head, managers and other staff, and the administrators of this site, cannot read it. Everything you write is stored encrypted, and this site does not keep your IP address or browser details with your report.

What happens next

An officer reads your report and may ask you questions through the status page. Keep your receipt code and passphrase safe, and look at the status page from time to time: we have no other way to reach you. After looking into it, the officers may refer the report to the public prosecutors for investigation, or close it with a reason. Some years after it is closed, a report is deleted and only the number of reports per agency and year is kept. Only those numbers are ever published, never what a report says.

How the law protects you

Article 18 of the Anti-Corruption Act (貪污治罪條例) says that people who report corruption shall be rewarded and protected. Under the Regulations on Rewarding and Protecting Reporters of Corruption (獎勵保護檢舉貪污瀆職辦法), the authorities must keep a reporter's identity confidential, a reporter whose safety is at risk can ask for protection, and a reward can be paid when the case reported leads to a conviction. A reward can only go to a reporter the authorities can identify: if you want to be considered for one, say so in your report, and the officers can tell you through the status page how to go about it.

If you work for a government agency, a state-owned enterprise or an enterprise, group or institution the government controls, the Public Interest Whistleblower Protection Act (公益揭弊者保護法, in force since 22 July 2025) also protects you from dismissal, demotion, transfer and other measures taken against you at work because you reported, and keeps your identity confidential. That Act protects reports made in your own name to a receiving body such as an integrity unit; a report made on this site without your name may not be covered. If you want to make your report in your own name, ask the officers through the status page.

False accusations

Report honestly what you know, and say what you saw yourself and what you heard from others. Making a false accusation to an official so that someone is criminally or disciplinarily punished is an offence under Article 169 of the Criminal Code (誣告), punishable by up to seven years' imprisonment. A report made in good faith that later turns out to be mistaken is not a false accusation.
"""
