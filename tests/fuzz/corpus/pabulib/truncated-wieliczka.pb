META
key;value
description;Municipal PB in Wieliczka, Green Budget (Zielony Milion)
country;Poland
unit;Wieliczka
subunit;Green Budget
instance;2023
num_projects;64
num_votes;6586
budget;1000000
vote_type;approval
rule;equalshares/add1
date_begin;03.04.2023
date_end;21.04.2023
min_length;1
language;polish
edition;1
PROJECTS
project_id;name;cost;votes;selected
24;Zakup 10 fotopułapek przeciwko śmieciarzom i dzikim wysypiskom;5000;720;1
41;Stworzenie warunków rekreacyjnych dla mieszkańców Węgrzc Wielkich;85000;658;1
40;Projekt zapobiegania bezdomności psów i kotów na terenie gminy Wieliczka poprzez podejmowanie takich działań jak: sterylizacja kastracja oraz chipowanie zwierząt a także inicjatyw związanych z edukacją mieszkańców gminy i promocją adopcji zwierząt;100000;583;1
74;Rewitalizacja zieleni parku przy kościele św. Sebastiana w Wieliczce;70800;552;1
19;Odbudowa populacji zagrożonych gatunków ichtiofauny oraz zwiększenie populacji ryb drapieżnych;99800;538;1
6;Zielona Chorągwica - rewitalizacja terenów zielonych wraz z nasadzeniami;100000;500;1
21;Budowa ścieżki edukacyjno-ekologicznej w Laskowcu w Pawlikowicach;100000;496;0
32;Nasadzenie drzew krzewów i traw przy nowo budowanej ścieżce rekreacyjnej w Strumianach;34999;428;1
39;Budki lęgowe dla jerzyków;600;418;1
58;Zielony skwerek przy Szkole Podstawowej im. Królowej Jadwigi w Sierczy;32716;400;1
42;Rewitalizacja zieleni na działce nr 484/4 przy świetlicy środowiskowej w Kokotowie;35720;388;1
25;Eko KROKusy;30000;379;1
16;Zielony Mi(lion)etniów - zielona lekcja;50000;376;0
43;Kosze na śmieci w Węgrzcach Wielkich;3969;372;1
20;Recykling z serca Dobranowic;5000;362;1
60;Pracownia Ekologiczna w Szkole Podstawowej im. Królowej Jadwigi w Sierczy;17540;359;1
29;Budowa instalacji fotowoltaicznej na budynku Domu Ludowego w Grabiu;35000;327;1
33;Zielona Aleja;20280;325;1
17;Wykonanie nasadzeń na skarpie przy Cmentarzu Parafialnym w Podstolicach;39960;324;1
70;Rosnę latem jesienią i na wiosnę - utworzenie łąki kwietnej na skwerku między Przedszkolem Samorządowym w Mietniowie im. J. Latuska a świetlicą środowiskową w Mietniowie;14403;310;1
34;Zielona Lednica i okolica;12000;294;1
87;Rewitalizacja zielonego skweru na ekoplac zabaw i rekreacji w Śledziejowicach;74000;292;0
8;Zielony Zakątek na Rynku;32210;289;0
9;Zakup i montaż paneli fotowoltaicznych na dachu świetlicy w Lednicy Górnej 451;50000;288;1
26;Myśl ekoglobalnie - działaj lokalnie - co możemy zdziałać dla Szkoły Podstawowej w Janowicach w dziedzinie ochrony środowiska.;20000;281;1
71;Zagospodarowanie skarpy przy budynku Szkoły Podstawowej w Gorzkowie;30000;261;1
88;Kolorowa łąka kwietna na terenach gminnych przy boisku sportowym w Zabawie;24000;253;1
36;Łąka kwietna;2760;247;1
62;Zakup serca na zakrętki plastikowe w ramach ekologii przy Szkole Podstawowej w Byszycach;2500;237;1
81;"Sensoryczna ścieżka dla dzieci oraz domki dla zwierząt w Parku ""Stok pod Baranem"" - wy