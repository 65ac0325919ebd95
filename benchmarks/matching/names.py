"""Name lists for the synthetic population: common Albanian, Serbian and Roma
given names and family names, most common first. Names only; no person."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


ALBANIAN_MALE = _words(
    """
Arben Besnik Blerim Driton Fatmir Florent Gazmend Granit Ilir Kushtrim Lulzim
Mentor Valon Agon Arian Ardian Bujar Burim Dardan Egzon Endrit Fisnik Gëzim
Jeton Labinot Leutrim Liridon Mërgim Xhevdet Xhemajl Qazim Shpëtim Përparim
Gjergj Gjon Çlirim Dritan Ylber Ylli Bekim Hysen Shkëlzen Afrim Avdyl Skënder
Kreshnik Rinor Erion Alban Arbnor Dhurim Edmond Ermal Rrahim Rexhep Sokol
Shefqet Hajdar Agim Besim Fadil Fehmi Hamdi Isa Jakup Kadri Lavdim Mehmet Muhamet
Naim Nexhat Nuhi Osman Petrit Qemajl Ramadan Sabit Sadri Shaban Sylejman Tahir
Veton Vullnet Xhafer Xhavit Ymer Zenel Zymer Adem Ahmet Bajram Bashkim Bedri
Dashnor Enver Faik Fitim Haxhi Halil Idriz Ismet Kujtim Latif Mirsad Nazmi Qerim
Rifat Sali Shkodran Taulant Uran Vegim Valdrin Yll Zeqir Hekuran Gent Art Orges
"""
)

ALBANIAN_FEMALE = _words(
    """
Arta Blerta Besa Drita Fatime Flutura Gentiana Hana Jehona Kaltrina Lule Mimoza
Njomëza Qëndresa Rina Shqipe Teuta Valbona Vjosa Xhevahire Zana Ardita Albulena
Donika Elira Erza Fjolla Gresa Liridona Dafina Dhurata Ema Ganimete Hyrije
Majlinda Mirlinda Shpresa Vlora Yllka Zyra Zeqije Çiljeta Adelina Afërdita
Albana Anila Arbëresha Ariana Besarta Blerina Bukurije Diellza Doruntina Edona
Egzona Elona Elsa Emine Fitore Florentina Gëzime Hajrije Hatixhe Ilirjana Jeta
Kimete Lindita Lirie Luljeta Merita Mirjeta Nazife Nerimane Njomza Qamile
Rrezarta Rukije Sabrije Sevdije Shkurte Sihana Teuta Valdete Vesa Xhemile Yllza
Zenepe Zylfije Ajshe Behije Dardana Drenusha Elda Elsona Era Fiona Gjylije
"""
)

ALBANIAN_FAMILY = _words(
    """
Krasniqi Berisha Gashi Morina Shala Hoxha Bytyqi Kelmendi Hasani Rexhepi Osmani
Ahmeti Islami Kastrati Thaçi Haxhiu Zeqiri Sejdiu Mustafa Bajrami Halili Jashari
Gjoka Dervishi Çeku Rugova Hajdari Hyseni Ymeri Qerimi Xhaferi Shehu Hoti Lika
Dushi Musliu Avdiu Mehmeti Murati Salihu Shabani Sylejmani Tahiri Veseli Zymberi
Gjini Demaj Lleshi Bekteshi Dreshaj Hajrullahu Rama Kryeziu Pllana Limani Llapashtica
Maloku Mazreku Nimani Qorri Rrustemi Selimi Sopi Spahiu Sylaj Tafa Uka Vitia
Xhemaili Zhuri Bajraktari Behluli Dibrani Fetahu Gërvalla Ibrahimi Jakupi Kurti
Lushtaku Mulaku Nuhiu Pacolli Qosja Rexha Syla Thaçi Vllasaliu Zeka Abazi Aliu
Bislimi Daku Elezi Ferati Gecaj Haradinaj Idrizi Kabashi Krasniqi Latifi Mala
"""
)

SERBIAN_MALE = _words(
    """
Đorđe Nikola Marko Stefan Lazar Miloš Nemanja Dušan Aleksandar Jovan Petar Vuk
Luka Filip Dragan Zoran Goran Milan Dejan Nenad Saša Bojan Vladimir Uroš Nebojša
Miroslav Srđan Živko Ljubomir Čedomir Branislav Slobodan Žarko Đurađ Dragoljub
Mihajlo Ognjen Pavle Strahinja Vasilije Andrija Bogdan Dimitrije Đorđije Igor
Ivan Jovica Lazar Milorad Miodrag Momčilo Novak Obrad Predrag Radomir Radovan
Rade Ratko Siniša Slavko Srećko Stevan Tihomir Todor Vojislav Vukašin Zlatko
Željko Živojin Aleksa Bratislav Danilo Dragiša Dobrivoje Gavrilo Mladen Nenad
"""
)

SERBIAN_FEMALE = _words(
    """
Milica Jelena Ana Marija Jovana Teodora Katarina Ivana Dragana Snežana Ljiljana
Gordana Vesna Tijana Sanja Maja Nataša Biljana Mirjana Danijela Sofija Anđela
Kristina Milena Nevena Željka Ljubica Dušica Tamara Jasmina Aleksandra Bojana
Branka Dragica Đurđa Gorica Jasna Kosara Ksenija Lidija Marina Mila Mina Nada
Nađa Olivera Radmila Ružica Slađana Smiljana Sonja Stanislava Svetlana Tatjana
Vera Vesna Vida Višnja Zorica Živana Anja Dunja Emilija Hana Iva Lana Lena Sara
"""
)

SERBIAN_FAMILY = _words(
    """
Jovanović Petrović Nikolić Marković Đorđević Stojanović Ilić Stanković Pavlović
Milošević Popović Đokić Živković Todorović Ristić Kostić Lazić Mitrović Janković
Vuković Savić Kovačević Marinković Radovanović Tomić Obradović Simić Milovanović
Ćirić Bošković Lukić Mladenović Nešić Vasić Perić Stevanović Jović Čolić Šarić
Antić Arsić Bogdanović Cvetković Dimitrijević Đurić Filipović Gajić Grujić
Ivanović Jakovljević Jevtić Kneževic Krstić Lalić Maksimović Matić Milenković
Milić Milutinović Mihajlović Nedeljković Novaković Pantić Pešić Radić Rakić
Sretenović Stamenković Stefanović Šćekić Tasić Trajković Urošević Veličković
Vidić Vojinović Zdravković Živanović Žižić Despotović Đukić Ćosić Čupić
"""
)

ROMA_MALE = _words(
    """
Bajram Ramiz Sead Elvis Ramadan Dževat Senad Jasmin Samir Fikret Muhamed Šefćet
Ismet Sabit Nehat Bekim Ajet Fadilj Isen Kujtim Muharem Nazif Redžep Selim
Sefedin Suad Šaban Zijadin Agron Avdija Bilal Demir Dževdet Emin Hamdija Ibrahim
"""
)

ROMA_FEMALE = _words(
    """
Ramiza Sabina Elvira Emine Zumreta Hajrija Senada Merita Šejla Zlatija Fatima
Aida Behija Dženeta Elmaza Ferdija Gulbehar Hatidža Indira Jasmina Lejla Medina
Nermina Remzija Sadija Safija Šemsa Vahida Zejnepa Zilfija Ardita Mirsada
"""
)

ROMA_FAMILY = _words(
    """
Mustafa Gashi Bajrami Kurteshi Ramadani Avdić Ajeti Memedi Demiri Osmani Salihi
Bajramović Mehmedović Ramadanović Šaćiri Jašari Sejdić Hasani Mehmeti Ajdini
Berisha Bislimi Durmiši Gaši Hajdari Ibiši Jakupi Kelmendi Kurtiši Ljatifi
Mustafić Osmanović Rašiti Redžepi Salijević Sejdiu Zećiri Alijević Demirović
"""
)

# Serbian family names that are formed from a given name with -ović/-ević/-ić,
# and Albanian ones formed with -i/-aj: the lists above are the common head of a
# long tail, which the generator grows from the given names.
SERBIAN_SUFFIXES = ("ović", "ević", "ić")
ALBANIAN_SUFFIXES = ("i", "aj", "iu", "ku")

# The kind of nickname a second registration might use instead.
NICKNAMES = {
    "Aleksandar": "Saša",
    "Aleksandra": "Saška",
    "Slobodan": "Boba",
    "Vladimir": "Vlada",
    "Dragoljub": "Draža",
    "Muhamet": "Meti",
    "Muhamed": "Meša",
    "Mehmet": "Meti",
    "Gazmend": "Gazi",
    "Shkëlzen": "Shkëlqim",
    "Ljubomir": "Ljuba",
    "Katarina": "Kaća",
    "Gentiana": "Genta",
    "Florentina": "Flora",
}
