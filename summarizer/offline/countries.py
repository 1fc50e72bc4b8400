"""Countries, their other names and demonyms, and a few non-country places.

pycountry supplies the ISO official names ("Russian Federation", "Iran, Islamic Republic
of"); it has no demonyms and its short names are often not the ones news uses, so the
common name, the everyday aliases and the demonyms live in the compact table below
(one line per UN member plus a few observers and disputed territories).
"""

from __future__ import annotations

import pycountry

# alpha-2 | common name | other names (;) | demonyms (;). Plurals ("Afghans") are derived.
_TABLE = """\
AF|Afghanistan||Afghan
AL|Albania||Albanian
DZ|Algeria||Algerian
AD|Andorra||Andorran
AO|Angola||Angolan
AG|Antigua and Barbuda||Antiguan
AR|Argentina||Argentine;Argentinian
AM|Armenia||Armenian
AU|Australia||Australian
AT|Austria||Austrian
AZ|Azerbaijan||Azerbaijani;Azeri
BS|Bahamas|the Bahamas|Bahamian
BH|Bahrain||Bahraini
BD|Bangladesh||Bangladeshi
BB|Barbados||Barbadian
BY|Belarus||Belarusian;Belarussian
BE|Belgium||Belgian
BZ|Belize||Belizean
BJ|Benin||Beninese
BT|Bhutan||Bhutanese
BO|Bolivia||Bolivian
BA|Bosnia and Herzegovina|Bosnia|Bosnian
BW|Botswana||Botswanan
BR|Brazil||Brazilian
BN|Brunei||Bruneian
BG|Bulgaria||Bulgarian
BF|Burkina Faso||Burkinabe
BI|Burundi||Burundian
CV|Cabo Verde|Cape Verde|Cape Verdean
KH|Cambodia||Cambodian
CM|Cameroon||Cameroonian
CA|Canada||Canadian
CF|Central African Republic||Central African
TD|Chad||Chadian
CL|Chile||Chilean
CN|China|PRC;People's Republic of China;Beijing|Chinese
CO|Colombia||Colombian
KM|Comoros||Comorian
CG|Congo|Republic of the Congo;Congo-Brazzaville|Congolese
CD|DR Congo|Democratic Republic of the Congo;DRC;Congo-Kinshasa|
CR|Costa Rica||Costa Rican
CI|Ivory Coast|Côte d'Ivoire;Cote d'Ivoire|Ivorian
HR|Croatia||Croatian
CU|Cuba||Cuban
CY|Cyprus||Cypriot
CZ|Czech Republic|Czechia|Czech
DK|Denmark||Danish
DJ|Djibouti||Djiboutian
DM|Dominica||Dominican
DO|Dominican Republic||
EC|Ecuador||Ecuadorian
EG|Egypt||Egyptian
SV|El Salvador||Salvadoran
GQ|Equatorial Guinea||Equatoguinean
ER|Eritrea||Eritrean
EE|Estonia||Estonian
SZ|Eswatini|Swaziland|Swazi
ET|Ethiopia||Ethiopian
FJ|Fiji||Fijian
FI|Finland||Finnish
FR|France||French
GA|Gabon||Gabonese
GM|Gambia|the Gambia|Gambian
GE|Georgia||Georgian
DE|Germany||German
GH|Ghana||Ghanaian
GR|Greece||Greek
GD|Grenada||Grenadian
GT|Guatemala||Guatemalan
GN|Guinea||Guinean
GW|Guinea-Bissau||Bissau-Guinean
GY|Guyana||Guyanese
HT|Haiti||Haitian
HN|Honduras||Honduran
HU|Hungary||Hungarian
IS|Iceland||Icelandic
IN|India|New Delhi|Indian
ID|Indonesia||Indonesian
IR|Iran|Islamic Republic of Iran;Tehran|Iranian
IQ|Iraq|Baghdad|Iraqi
IE|Ireland||Irish
IL|Israel||Israeli
IT|Italy||Italian
JM|Jamaica||Jamaican
JP|Japan|Tokyo|Japanese
JO|Jordan||Jordanian
KZ|Kazakhstan||Kazakh;Kazakhstani
KE|Kenya||Kenyan
KI|Kiribati||I-Kiribati
KP|North Korea|DPRK;Pyongyang|North Korean
KR|South Korea|Republic of Korea;Seoul|South Korean
KW|Kuwait||Kuwaiti
KG|Kyrgyzstan|Kyrgyz Republic|Kyrgyz
LA|Laos||Lao;Laotian
LV|Latvia||Latvian
LB|Lebanon||Lebanese
LS|Lesotho||Basotho
LR|Liberia||Liberian
LY|Libya||Libyan
LI|Liechtenstein||
LT|Lithuania||Lithuanian
LU|Luxembourg||Luxembourgish
MG|Madagascar||Malagasy
MW|Malawi||Malawian
MY|Malaysia||Malaysian
MV|Maldives|the Maldives|Maldivian
ML|Mali||Malian
MT|Malta||Maltese
MH|Marshall Islands||Marshallese
MR|Mauritania||Mauritanian
MU|Mauritius||Mauritian
MX|Mexico||Mexican
FM|Micronesia||Micronesian
MD|Moldova||Moldovan
MC|Monaco||Monegasque
MN|Mongolia||Mongolian
ME|Montenegro||Montenegrin
MA|Morocco||Moroccan
MZ|Mozambique||Mozambican
MM|Myanmar|Burma|Myanmarese;Burmese
NA|Namibia||Namibian
NR|Nauru||Nauruan
NP|Nepal||Nepali;Nepalese
NL|Netherlands|the Netherlands;Holland|Dutch
NZ|New Zealand||New Zealander
NI|Nicaragua||Nicaraguan
NE|Niger||Nigerien
NG|Nigeria||Nigerian
MK|North Macedonia|Macedonia|Macedonian
NO|Norway||Norwegian
OM|Oman||Omani
PK|Pakistan|Islamabad|Pakistani
PW|Palau||Palauan
PS|Palestine|Palestinian territories;State of Palestine|Palestinian
PA|Panama||Panamanian
PG|Papua New Guinea||Papua New Guinean
PY|Paraguay||Paraguayan
PE|Peru||Peruvian
PH|Philippines|the Philippines;Manila|Filipino;Philippine
PL|Poland|Warsaw|Polish
PT|Portugal||Portuguese
QA|Qatar|Doha|Qatari
RO|Romania||Romanian
RU|Russia|Russian Federation;Moscow|Russian
RW|Rwanda||Rwandan
KN|Saint Kitts and Nevis||Kittitian
LC|Saint Lucia||Saint Lucian
VC|Saint Vincent and the Grenadines||Vincentian
WS|Samoa||Samoan
SM|San Marino||Sammarinese
ST|Sao Tome and Principe|São Tomé and Príncipe|Santomean
SA|Saudi Arabia|Riyadh|Saudi
SN|Senegal||Senegalese
RS|Serbia|Belgrade|Serbian
SC|Seychelles||Seychellois
SL|Sierra Leone||Sierra Leonean
SG|Singapore||Singaporean
SK|Slovakia||Slovak
SI|Slovenia||Slovenian;Slovene
SB|Solomon Islands||Solomon Islander
SO|Somalia||Somali
ZA|South Africa|Pretoria|South African
SS|South Sudan||South Sudanese
ES|Spain|Madrid|Spanish
LK|Sri Lanka||Sri Lankan
SD|Sudan|Khartoum|Sudanese
SR|Suriname||Surinamese
SE|Sweden|Stockholm|Swedish
CH|Switzerland|Bern|Swiss
SY|Syria|Damascus|Syrian
TW|Taiwan|Taipei|Taiwanese
TJ|Tajikistan|Dushanbe|Tajik;Tajikistani
TZ|Tanzania||Tanzanian
TH|Thailand|Bangkok|Thai
TL|Timor-Leste|East Timor|Timorese
TG|Togo||Togolese
TO|Tonga||Tongan
TT|Trinidad and Tobago||Trinidadian
TN|Tunisia||Tunisian
TR|Turkey|Türkiye;Turkiye;Ankara|Turkish
TM|Turkmenistan|Ashgabat|Turkmen
TV|Tuvalu||Tuvaluan
UG|Uganda||Ugandan
UA|Ukraine|Kyiv;Kiev|Ukrainian
AE|United Arab Emirates|UAE;the UAE;Emirates|Emirati
GB|United Kingdom|UK;U.K.;Britain;Great Britain;London|British
US|United States|US;U.S.;USA;U.S.A.;United States of America;America;Washington|American;U.S.
UY|Uruguay||Uruguayan
UZ|Uzbekistan|Tashkent|Uzbek
VU|Vanuatu||Ni-Vanuatu
VA|Vatican|Holy See;Vatican City|
VE|Venezuela|Caracas|Venezuelan
VN|Vietnam|Viet Nam;Hanoi|Vietnamese
YE|Yemen||Yemeni
ZM|Zambia||Zambian
ZW|Zimbabwe||Zimbabwean
XK|Kosovo||Kosovar
"""

# Capitals that double as metonyms only for the countries whose capital stands for the
# government in wire copy; others (Paris, Berlin...) are kept as places, not countries,
# because "in Paris" is far more often a venue than an actor.
_CAPITAL_METONYMS = {"Moscow", "Beijing", "Washington", "Kyiv", "Kiev", "Tehran", "Pyongyang", "Seoul",
                     "Tokyo", "New Delhi", "Ankara", "Riyadh", "Doha", "Damascus", "Baghdad", "London",
                     "Islamabad", "Dushanbe", "Tashkent", "Ashgabat", "Taipei", "Warsaw", "Manila",
                     "Hanoi", "Madrid", "Stockholm", "Bern", "Belgrade", "Pretoria", "Khartoum",
                     "Bangkok", "Caracas"}

# Regions that are not countries but are named as the place of a threat.
REGIONS = (
    "Middle East", "Central Asia", "South Caucasus", "Caucasus", "Balkans", "Western Balkans", "Sahel",
    "Horn of Africa", "Persian Gulf", "Gulf of Aden", "Red Sea", "Black Sea", "Baltic Sea", "Baltic",
    "South China Sea", "East China Sea", "Taiwan Strait", "Strait of Hormuz", "Korean Peninsula",
    "Arctic", "Mediterranean", "Eastern Mediterranean", "Gaza", "Gaza Strip", "West Bank",
    "Golan Heights", "Crimea", "Donbas", "Donbass", "Nagorno-Karabakh", "Karabakh", "Kashmir",
    "Xinjiang", "Tibet", "Hong Kong", "Transnistria", "Abkhazia", "South Ossetia", "Kurdistan",
    "Ferghana Valley", "Fergana Valley", "Pamir", "Darfur", "Tigray", "Kaliningrad", "Idlib",
    "Sinai", "Balochistan", "Mindanao", "Indo-Pacific", "Eurasia", "Europe", "Africa", "Asia",
    "Latin America", "Bab el-Mandeb", "Suez Canal", "Kherson", "Zaporizhzhia", "Kharkiv", "Donetsk", "Luhansk",
)


class Countries:
    """Lookups from any surface form (name, alias, demonym) to a country's common name."""

    def __init__(self) -> None:
        self.by_name: dict[str, str] = {}      # "Russia", "Russian Federation", "Moscow" -> "Russia"
        self.by_demonym: dict[str, str] = {}   # "Russian", "Russians" -> "Russia"
        self.capitals: set[str] = set()
        for line in _TABLE.splitlines():
            code, common, others, demonyms = line.split("|")
            self.by_name[common] = common
            for other in filter(None, others.split(";")):
                self.by_name.setdefault(other, common)
                if other in _CAPITAL_METONYMS:
                    self.capitals.add(other)
            record = pycountry.countries.get(alpha_2=code)
            if record is not None:
                for attr in ("name", "official_name", "common_name"):
                    value = getattr(record, attr, None)
                    if value and "," not in value:
                        self.by_name.setdefault(value, common)
            for demonym in filter(None, demonyms.split(";")):
                self.by_demonym.setdefault(demonym, common)
                if not demonym.endswith(("s", "sh", "ch", "ese", "i", ".")) and demonym not in {"Swiss", "Thai", "Lao"}:
                    self.by_demonym.setdefault(demonym + "s", common)
        # "US" is also a demonym-like adjective ("US President"); "U.S." likewise.
        self.by_demonym.setdefault("US", "United States")
        self.by_demonym.setdefault("UK", "United Kingdom")
        self.by_demonym.setdefault("EU", "European Union")

    def resolve(self, surface: str) -> str | None:
        """The country a name, alias or demonym stands for, or None."""
        key = surface.strip()
        if key.startswith("the "):
            key = key[4:]
        return self.by_name.get(key) or self.by_demonym.get(key)

    def is_place_word(self, word: str) -> bool:
        return word in self.by_name or word in self.by_demonym or word in REGIONS


COUNTRIES = Countries()
