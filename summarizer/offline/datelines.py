"""The country of a wire story's dateline ("ASTANA, July 22 –", "OSLO —", "OSLO/NEW DELHI –").

An official named with a title but no country ("Deputy Trade Minister X told reporters") is,
in wire copy, most often of the country the story is filed from; the dateline names it by
its capital or a large city.
"""

from __future__ import annotations

import re

from .countries import COUNTRIES

__all__ = ["dateline_country"]

# alpha-2 code: capital (and a few cities that head datelines), one country per entry
_CITIES = """\
AF:Kabul AL:Tirana DZ:Algiers AD:Andorra la Vella AO:Luanda AG:Saint John's AR:Buenos Aires AM:Yerevan
AU:Canberra;Sydney;Melbourne AT:Vienna AZ:Baku BS:Nassau BH:Manama BD:Dhaka BB:Bridgetown BY:Minsk
BE:Brussels BZ:Belmopan BJ:Porto-Novo;Cotonou BT:Thimphu BO:La Paz;Sucre BA:Sarajevo BW:Gaborone
BR:Brasilia;Brasília;Rio de Janeiro;Sao Paulo;São Paulo BN:Bandar Seri Begawan BG:Sofia BF:Ouagadougou
BI:Gitega;Bujumbura CV:Praia KH:Phnom Penh CM:Yaounde;Yaoundé CA:Ottawa;Toronto CF:Bangui TD:N'Djamena
CL:Santiago CN:Beijing;Shanghai CO:Bogota;Bogotá KM:Moroni CG:Brazzaville CD:Kinshasa CR:San Jose;San José
CI:Yamoussoukro;Abidjan HR:Zagreb CU:Havana CY:Nicosia CZ:Prague DK:Copenhagen DJ:Djibouti DM:Roseau
DO:Santo Domingo EC:Quito EG:Cairo SV:San Salvador GQ:Malabo ER:Asmara EE:Tallinn SZ:Mbabane
ET:Addis Ababa FJ:Suva FI:Helsinki FR:Paris GA:Libreville GM:Banjul GE:Tbilisi DE:Berlin GH:Accra
GR:Athens GD:St. George's GT:Guatemala City GN:Conakry GW:Bissau GY:Georgetown HT:Port-au-Prince
HN:Tegucigalpa HU:Budapest IS:Reykjavik IN:New Delhi;Mumbai ID:Jakarta IR:Tehran IQ:Baghdad IE:Dublin
IL:Jerusalem;Tel Aviv IT:Rome JM:Kingston JP:Tokyo JO:Amman KZ:Astana;Almaty KE:Nairobi KI:Tarawa
KP:Pyongyang KR:Seoul KW:Kuwait City KG:Bishkek LA:Vientiane LV:Riga LB:Beirut LS:Maseru LR:Monrovia
LY:Tripoli LI:Vaduz LT:Vilnius LU:Luxembourg MG:Antananarivo MW:Lilongwe MY:Kuala Lumpur MV:Male
ML:Bamako MT:Valletta MH:Majuro MR:Nouakchott MU:Port Louis MX:Mexico City MD:Chisinau MC:Monaco
MN:Ulaanbaatar ME:Podgorica MA:Rabat MZ:Maputo MM:Naypyitaw;Yangon NA:Windhoek NP:Kathmandu
NL:Amsterdam;The Hague NZ:Wellington NI:Managua NE:Niamey NG:Abuja;Lagos MK:Skopje NO:Oslo OM:Muscat
PK:Islamabad;Karachi PW:Ngerulmud PS:Ramallah PA:Panama City PG:Port Moresby PY:Asuncion;Asunción PE:Lima
PH:Manila PL:Warsaw PT:Lisbon QA:Doha RO:Bucharest RU:Moscow RW:Kigali KN:Basseterre LC:Castries
VC:Kingstown WS:Apia SM:San Marino ST:Sao Tome SA:Riyadh SN:Dakar RS:Belgrade SC:Victoria SL:Freetown
SG:Singapore SK:Bratislava SI:Ljubljana SB:Honiara SO:Mogadishu ZA:Pretoria;Johannesburg;Cape Town
SS:Juba ES:Madrid LK:Colombo SD:Khartoum;Port Sudan SR:Paramaribo SE:Stockholm CH:Bern;Geneva TW:Taipei
TJ:Dushanbe TZ:Dodoma;Dar es Salaam TH:Bangkok TL:Dili TG:Lome;Lomé TO:Nuku'alofa TT:Port of Spain
TN:Tunis TR:Ankara;Istanbul TM:Ashgabat TV:Funafuti UG:Kampala UA:Kyiv;Kiev AE:Abu Dhabi;Dubai
GB:London US:Washington;New York UY:Montevideo UZ:Tashkent VU:Port Vila VA:Vatican City VE:Caracas
VN:Hanoi YE:Sanaa;Aden ZM:Lusaka ZW:Harare SY:Damascus
"""


def _cities() -> dict[str, str]:
    import pycountry

    found: dict[str, str] = {}
    for code, cities in re.findall(r"([A-Z]{2}):([^:]+?)(?=\s+[A-Z]{2}:|\s*$)", _CITIES):
        record = pycountry.countries.get(alpha_2=code)
        names = [getattr(record, a, None) for a in ("common_name", "name")] if record else []
        country = next((COUNTRIES.resolve(n) for n in names if n and COUNTRIES.resolve(n)), None)
        if country:
            for city in cities.split(";"):
                found[city.strip().upper()] = country
    return found


_BY_CITY = _cities()
# "ASTANA, July 22 –", "OSLO —", "MOSCOW, March 12 (Interfax) -", "OSLO/NEW DELHI –": capitals first
_DATELINE = re.compile(
    r"([A-ZÀ-Ý][A-ZÀ-Ý .'’-]+?)(?:/[A-ZÀ-Ý .'’/-]+?)?(?:,|[ \u00a0]+[—–-]|[ \u00a0]*\()"
)


def dateline_country(text: str) -> str | None:
    """The country of the city a story is filed from, when one of its first two paragraphs
    opens with a dateline; None otherwise."""
    lines = [line.strip() for line in text[:2000].splitlines() if line.strip()]
    for line in lines[:2]:
        m = _DATELINE.match(line)
        if m:
            country = _BY_CITY.get(" ".join(m.group(1).split()))
            if country:
                return country
    return None
