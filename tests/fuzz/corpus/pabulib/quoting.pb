meta
key;value
budget;1000,50
vote_type;choose-1
currency;eur

Projects
project_id;cost;name;selected
a1;100.5;"Park; phase ""II""";1
b2; 200 ;plain;0
c3;50;"two
lines";
votes
voter_id;vote;age
v1;a1;30
v2; b2 , a1 ;
v3;None;
