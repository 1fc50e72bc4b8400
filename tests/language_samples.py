"""Articles in English and other languages, written for the language tests (fictional events
and officials of real countries)."""

from __future__ import annotations

FOREIGN = {
    "ru": (
        "Министр иностранных дел Казахстана Ерлан Сатпаев заявил во вторник, что переговоры о "
        "транзите зерна возобновятся на следующей неделе в Астане.\n\n"
        "По данным правительства, экспорт пшеницы вырос на двенадцать процентов в первом квартале, "
        "а поставки через Каспийское море удвоились.\n\n"
        "«Мы готовы обсуждать новые маршруты с нашими соседями», — сказал министр журналистам после "
        "встречи с делегацией из Баку. Делегация отправилась к границе, чтобы встретиться с местными "
        "властями и представителями перевозчиков."
    ),
    "zh": (
        "外交部发言人周二在例行记者会上表示，中国与哈萨克斯坦将于下周在阿斯塔纳恢复关于粮食运输的谈判。\n\n"
        "据政府统计，第一季度小麦出口增长了百分之十二，经里海的运输量翻了一番。\n\n"
        "发言人说：“我们愿意同邻国讨论新的运输路线。”代表团随后前往边境，与当地官员和运输企业代表会面。"
    ),
    "ar": (
        "قال وزير الخارجية الأردني يوم الثلاثاء إن المفاوضات بشأن نقل الحبوب ستستأنف الأسبوع المقبل في عمّان.\n\n"
        "وبحسب الحكومة، ارتفعت صادرات القمح بنسبة اثني عشر بالمئة في الربع الأول، وتضاعفت الشحنات عبر البحر الأحمر.\n\n"
        "وقال الوزير للصحفيين بعد لقائه وفدا من القاهرة إن بلاده مستعدة لمناقشة طرق جديدة مع جيرانها."
    ),
    "fr": (
        "Le ministre sénégalais des Affaires étrangères a déclaré mardi que les négociations sur le transit "
        "des céréales reprendraient la semaine prochaine à Dakar.\n\n"
        "Selon le gouvernement, les exportations d'arachides ont augmenté de douze pour cent au cours du "
        "premier trimestre, et les livraisons par le port ont doublé.\n\n"
        "« Nous sommes prêts à discuter de nouvelles routes avec nos voisins », a affirmé le ministre aux "
        "journalistes après une rencontre avec une délégation venue de Bamako."
    ),
    "es": (
        "El ministro de Relaciones Exteriores de Chile afirmó el martes que las negociaciones sobre el "
        "transporte de cobre se reanudarán la próxima semana en Valparaíso.\n\n"
        "Según el gobierno, las exportaciones de cobre crecieron un doce por ciento en el primer trimestre, "
        "y los envíos por el puerto se duplicaron.\n\n"
        "«Estamos dispuestos a discutir nuevas rutas con nuestros vecinos», dijo el ministro a los "
        "periodistas tras reunirse con una delegación llegada desde Lima."
    ),
    "de": (
        "Der österreichische Außenminister sagte am Dienstag, die Gespräche über den Gütertransit würden "
        "in der kommenden Woche in Wien fortgesetzt.\n\n"
        "Nach Angaben der Regierung stiegen die Exporte im ersten Quartal um zwölf Prozent, und die "
        "Lieferungen über die Donau haben sich verdoppelt.\n\n"
        "„Wir sind bereit, mit unseren Nachbarn über neue Routen zu sprechen“, sagte der Minister nach "
        "einem Treffen mit einer Delegation aus Bratislava."
    ),
    "pt": (
        "O ministro das Relações Exteriores de Portugal afirmou nesta terça-feira que as negociações sobre "
        "o transporte de cereais serão retomadas na próxima semana em Lisboa.\n\n"
        "Segundo o governo, as exportações de cortiça cresceram doze por cento no primeiro trimestre, e os "
        "embarques pelo porto dobraram.\n\n"
        "“Estamos prontos para discutir novas rotas com os nossos vizinhos”, disse o ministro aos "
        "jornalistas depois de um encontro com uma delegação vinda de Madrid."
    ),
    "id": (
        "Menteri Luar Negeri Indonesia mengatakan pada hari Selasa bahwa perundingan tentang pengangkutan "
        "beras akan dilanjutkan pekan depan di Jakarta.\n\n"
        "Menurut pemerintah, ekspor minyak sawit naik dua belas persen pada kuartal pertama, dan pengiriman "
        "melalui pelabuhan meningkat dua kali lipat.\n\n"
        "\"Kami siap membahas jalur baru dengan negara tetangga,\" kata menteri kepada wartawan setelah "
        "bertemu dengan delegasi dari Kuala Lumpur."
    ),
    "tr": (
        "Dışişleri Bakanı salı günü yaptığı açıklamada tahıl taşımacılığı konusundaki müzakerelerin gelecek "
        "hafta Ankara'da yeniden başlayacağını söyledi.\n\n"
        "Hükümete göre ilk çeyrekte fındık ihracatı yüzde on iki arttı ve liman üzerinden yapılan "
        "sevkiyatlar iki katına çıktı.\n\n"
        "Bakan, Bakü'den gelen heyetle görüştükten sonra gazetecilere \"Komşularımızla yeni güzergâhları "
        "konuşmaya hazırız\" dedi."
    ),
}

# (script, language) each foreign article must be refused with.
NAMED = {
    "ru": ("Cyrillic", "Russian"),
    "zh": ("Han", "Chinese"),
    "ar": ("Arabic", "Arabic"),
    "fr": ("Latin", "French"),
    "es": ("Latin", "Spanish"),
    "de": ("Latin", "German"),
    "pt": ("Latin", "Portuguese"),
    "id": ("Latin", "Indonesian"),
    "tr": ("Latin", "Turkish"),
}

# English articles that are hard for a language check: few function words, many foreign
# names, a table, a quoted foreign phrase.
ENGLISH_HARD = {
    "proper-names": (
        "ASTANA — Kazakh Foreign Minister Yerlan Nurtazayev met Vietnamese Deputy Prime Minister Nguyen "
        "Thanh Hoang, Indonesian envoy Dwi Kusumawardhani and Uzbek Deputy Minister Bakhtiyor Saidkarimov "
        "in Astana on Monday. Nurtazayev, Nguyen, Kusumawardhani and Saidkarimov signed a memorandum on "
        "rail freight via Dostyk, Khorgos, Aktau and Turkmenbashi. Deputy Minister Tran Quoc Khanh, "
        "Ambassador Gulnara Zhaksylykova and Director Sri Wahyuningsih of Bappenas attended."
    ),
    "table": (
        "Grain exports rose in the first quarter, the Kazakh statistics bureau said on Friday.\n\n"
        "Country | Q1 2024 | Q1 2025 | change\n"
        "Kazakhstan | 2,140 | 2,410 | +12.6%\n"
        "Uzbekistan | 310 | 295 | -4.8%\n"
        "Kyrgyzstan | 88 | 97 | +10.2%\n"
        "Tajikistan | 41 | 39 | -4.9%\n"
        "Turkmenistan | 120 | 133 | +10.8%\n"
        "Total | 2,699 | 2,974 | +10.2%\n\n"
        "(thousand tonnes; Source: national statistics agencies)"
    ),
    "flash": (
        "BANGKOK, May 3 (Wire) — Thai and Cambodian troops exchanged fire near a border temple early on "
        "Saturday, Thailand's army said. Two soldiers were wounded. Talks between regional commanders are "
        "due on Monday, a spokesman said."
    ),
    "bulleted-readout": (
        "Readout: Foreign Minister Ana Souza's call with Foreign Minister Kenji Morimoto\n\n"
        "- Trade: both sides to expand soybean and ethanol shipments; target US$4 billion by 2027\n"
        "- Security: joint patrols in the South Atlantic; coast guard exchanges\n"
        "- Climate: Brazil invited to Osaka energy forum\n"
        "- Next steps: ministerial meeting in Brasilia, October\n"
        "- Visas: working group on business visas, first session in June"
    ),
    "q-and-a": (
        "Q: Minister, will the pipeline deal be signed this year?\n"
        "A: We hope so. Our teams meet in Baku next week.\n"
        "Q: What about the price?\n"
        "A: Still open. Italy wants a fixed price; we want an index.\n"
        "Q: And the volumes?\n"
        "A: Ten billion cubic metres a year, as agreed in March.\n"
        "Q: Any concerns over security of the route?\n"
        "A: None that cannot be solved. The route is guarded."
    ),
    "quoted-foreign-phrase": (
        "Russian Deputy Foreign Minister Pavel Orlov told reporters in Moscow that Russia was \"ready for "
        "dialogue\", using the phrase «Мы готовы к диалогу» twice in his remarks. A French diplomat later "
        "replied that Paris was « prête à écouter » but wanted guarantees first. The two sides are expected "
        "to meet in Geneva in the spring, according to officials from both countries."
    ),
    "mixed-russian-paragraph": (
        "Kazakhstan and Russia agreed on Tuesday to raise grain transit through the Caspian ports by a "
        "fifth, the two governments said after talks in Astana.\n\n"
        "Kazakh Transport Minister Daniyar Sultanov said the deal would cut delivery times to Iran by "
        "three days. He said the first shipments would leave Aktau in June.\n\n"
        "Russian Deputy Transport Minister Oleg Vorontsov read a statement in Russian: «Мы договорились "
        "увеличить транзит зерна через порты Каспийского моря. Первые суда выйдут в июне, и мы ожидаем, "
        "что объём перевозок вырастет на двадцать процентов к концу года.»\n\n"
        "The agreement also covers fertiliser shipments, which rose 14% last year, and a joint working "
        "group that will meet every quarter. Officials from Azerbaijan and Turkmenistan attended the "
        "signing as observers, according to the Kazakh ministry."
    ),
}
