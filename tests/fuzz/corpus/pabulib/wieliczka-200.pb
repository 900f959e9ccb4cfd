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
81;"Sensoryczna ścieżka dla dzieci oraz domki dla zwierząt w Parku ""Stok pod Baranem"" - wykonane z ekologicznych recyklingowanych materiałów";68000;233;0
61;Zagospodarowanie pętli autobusowej w miejscowości Byszyce o powierzchni 500m2;51732;229;1
13;Ścieżka przyrodniczo-edukacyjna w Sygneczowie;92840;228;0
31;Kwietne i zielone tereny przy Placu Zabaw w Golkowicach;95000;200;0
68;Psi kącik - wybieg dla psów w Parku Mickiewicza;56900;196;0
86;Rewitalizacja stawu w Śledziejowicach;78000;196;0
63;Ścieżka spacerowa do wzgórza Kaim;92550;194;0
80;"Drzewne przytulasy i relaksacyjne gniazda w Parku ""Stok pod Baranem""";75000;188;0
7;zagospodarowanie wysepki przy pętli autowusowej w miejscowosci Grabówki na skrzyzowaniu drogi powiatowej nr 2028 K i drogi 2029K;25000;186;1
27;Montaż paneli fotowoltaicznych oraz wymiana lamp na oświetlenie LED na boisku sportowym LKS GWIAZDA BRZEGI;100000;183;0
30;Zielona Szkoła w Golkowicach;90000;181;0
84;Park w Sierczy;58000;180;0
46;Utworzenie Parków Kieszonkowych w Czarnochowicach;36000;174;1
54;Rekonstrukcja alei drzew na Trakcie Solnym w Wieliczce (dawny C. K. Salinarny Trakt Powroźniczy na Turówce);24000;173;0
52;Fontanna filtrująca wodę w parku Mickiewicza;80000;171;0
79;Ekologiczny portal wraz z zielonym labiryntem w Parku Adama Mickiewicza;73000;167;0
18;Ekomural przy Szkole Podstawowej w Grajowie;51600;163;0
85;Drewniana kładka w parku Adama Mickiewicza;47000;163;0
64;Montaż lamp doświetlających boisko na Osiedlu Lekarka;45500;161;0
56;Ekodonice;2000;157;1
65;Rewitalizacja terenów zielonych wraz z otoczeniem Domu Ludowego w Czarnochowicach;50000;155;0
66;Kwietna łąka w Czarnochowicach na dz. 166/13 oraz 166/18;9000;144;0
44;Ekoszlak;75000;140;0
67;Kwietna łąka w Czarnochowicach na dz. 166/16 oraz dz. 313;16500;140;0
78;Kwietne instalacje w Parku Adama Mickiewicza: kalejdoskop roślinny + chromoterapia;67000;138;0
82;Ekologiczna drewniana kopuła z motywami roślinnymi oraz relaksacyjne gniazda w Parku Adama Mickiewicza w Wieliczce;85000;131;0
47;Leśny Park Kieszonkowy przy ul. Narutowicza w Wieliczce;92000;129;0
51;Wybieg dla psów na os. Bogucice;37000;124;0
55;Zielona Oaza;25294;121;0
72;Zielone zacisze;36940;111;0
69;Zielony zakątek;8300;101;1
38;Instalacja fotowoltaiczna dla OSP Jankówka;100000;91;0
48;Rewitalizacja Skweru Skarbnika;50000;84;0
59;Wielicka Mapa Drzew;50000;81;0
83;Ekologiczne zagospodarowanie ronda przy ulicy Piłsudskiego - zegar florystyczny oraz rzeźby;75000;80;0
VOTES
voter_id;vote
1;70,20,21,25,6
2;39,60,74,24,58
3;70,20,21,25,6
4;21
5;70,20,21,25,6
6;39,60,74,24,58
7;39,32,86,42,41,24
8;70,20,21,25,6
9;39,36,60,74,58
10;21
11;39,60,74,58
12;17
13;19
14;39,36,64,84,60,40,74,58
15;19
16;88
17;86,87
18;21
19;86,87
20;74
21;17
22;86,87
23;21
24;88
25;86,87,46
26;21
27;17
28;19
29;39,44,32,19,40,86,42,41,24
30;74
31;32,86,42,41,24
32;74
33;60,58
34;60,58
35;60,58
36;60,58
37;60,58
38;21,82,63
39;60,58
40;60,58
41;70,21,80,79,78,84,40,68,74,13,63,81,71,24,6,16,58
42;60,58
43;21,63
44;6
45;6
46;6
47;6
48;60,58
49;6
50;6
51;84,74,7
52;6
53;20,25
54;84,74
55;6
56;44,42,41
57;27
58;74
59;6
60;6
61;20,25
62;66,67,65,46
63;20,25
64;21,18,78,74,81
65;20,25
66;6
67;20,25
68;6
69;31,30
70;20,25
71;31,30
72;6
73;66,67,65,46
74;6
75;88
76;31,30
77;6
78;20,25
79;88
80;31,30
81;66,67,65,46
82;6
83;88
84;31,30
85;20,25
86;6
87;19
88;88
89;6
90;20,25
91;7
92;26
93;19
94;19
95;29
96;88
97;66,67,65,46
98;41,24
99;20,25
100;19
101;20,25
102;74
103;88
104;74
105;88
106;19
107;88
108;21,80,25,32,84,40,13,81,24,9,34
109;20,25
110;7
111;18,81,6
112;19
113;88
114;19
115;19
116;21,74,16
117;88
118;20,25
119;70,39,21,25,32,84,60,40,13,81,24,9,34,30,16
120;88
121;19
122;7
123;19
124;21,74,16
125;86,87
126;20,25
127;88
128;19
129;21,74,16
130;7
131;88
132;52,68,74,24
133;19
134;19
135;21,74,16
136;88
137;19
138;7
139;88
140;88
141;21,74,16
142;19
143;74,87
144;19
145;39,56,44,36,42
146;88
147;7
148;21,74,16
149;88
150;88
151;74,9
152;39,56,44,36,42
153;19
154;7
155;20,25
156;39,56,44,36,42
157;88
158;19
159;21,68,74,24,34
160;88
161;20,25
162;19
163;88
164;74,9,16
165;39,56,44,36,42
166;43,41,24
167;19
168;16
169;88,87
170;88
171;20,25
172;7
173;88
174;19
175;20,25
176;88
177;7
178;88
179;19
180;86,87
181;88
182;7
183;19
184;86,87
185;19
186;39,68,74
187;88
188;32
189;19
190;86,87
191;88
192;19
193;39,52,43,36,68,74
194;19
195;17
196;88
197;19
198;17
