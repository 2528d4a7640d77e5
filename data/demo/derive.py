#!/usr/bin/env python3
"""Writes the demo dataset (data/demo/*.csv) from the published figures of domain.md §5 and prints the group,
area and total sums as a check. Every split the paper does not publish is chosen here, visibly (decision 0002)."""
import csv, os
C="Erhvervs- og Beskæftigelsesudvalget"; B="Beskæftigelse"; Y="Ydelser og overførsler"; E="Erhverv"
T="Tilbud til udlændinge"; F="Førtidspensioner og personlige tillæg"; K="Kontante ydelser"; R="Revalidering m.v."; A="Arbejdsmarkedsforanstaltninger"
# id, name, area, group, printed corrected t.kr, rounding adj kr, variance t.kr, outyears t.kr, changes [(kind, kr, date, ref, by)], explanation
KB="Kommunalbestyrelsen"; OK="Økonomiforvaltningen"
acc=[
("5.57.73","Kontanthjælp",B,K,79083,-400,-7565,(-8510,-8481,-8452,-8452),[("technical_reallocation",153000,"2014-03-14","Omplacering af løn, jobcenter",OK)],
 "Færre modtagere af kontanthjælp end forudsat i budgettet; effekten fortsætter i overslagsårene."),
("5.48.68","Førtidspension",Y,F,118194,-300,-4000,(0,0,0,0),[("technical_reallocation",-57300,"2014-03-14","Omplacering af løn, jobcenter",OK)],
 "Lavere tilgang til førtidspension end forudsat efter reformen."),
("5.57.78","Dagpenge til forsikrede ledige",B,K,63872,-400,3402,(512,512,511,511),[],
 "+29 helårspersoner på dagpenge × pris pr. helårsperson ≈ +3,0 mio. kr.; resten skyldes højere gennemsnitssats."),
("5.57.76","Boligsikring",Y,K,14698,0,148,(190,190,190,190),[("technical_reallocation",1000000,"2014-02-10","Boligstøtte samlet i Ydelser og overførsler",OK)],
 "Flere modtagere af boligsikring som følge af højere huslejer."),
("5.57.79","Særlig uddannelsesordning",B,K,1100,0,1000,(0,0,0,0),[],
 "Ny midlertidig ordning for ledige, der opbruger dagpengeretten; flere deltagere end forudsat i budgettet."),
("5.58.80","Revalidering",B,R,4259,0,-1000,(0,0,0,0),[("council_decision",-1000000,"2014-01-27","KB 27.01.2014, pkt. 12",KB)],
 "Færre personer i revalidering; målgruppen overgår til ressourceforløb."),
("5.58.81","Løntilskud fleksjob mv.",B,R,34294,0,2000,(0,0,0,0),[],
 "Flere personer i fleksjob end forudsat."),
("5.58.82","Ressourceforløb",B,R,10579,0,-1000,(0,0,0,0),[],
 "Langsommere indfasning af ressourceforløb end forudsat."),
("5.68.90","Driftsudgifter beskæftigelsesindsats",B,A,20164,-400,850,(-227,184,1432,1432),[("technical_reallocation",-36900,"2014-03-14","Omplacering af løn, jobcenter",OK)],
 "Flere ledige i aktive tilbud; driftsudgifter inden for driftsloftet."),
("5.68.91","Beskæftigelsesindsats forsikrede ledige",B,A,10790,-400,-391,(-508,-508,-508,-508),[],
 "Lavere udgifter til uddannelse af forsikrede ledige."),
("5.68.97","Seniorjob",B,A,5416,-400,-1000,(0,0,0,0),[],
 "Færre personer i seniorjob end forudsat."),
("5.68.98","Beskæftigelsesordninger",B,A,4786,0,2487,(1821,1821,1821,1821),[("council_decision",597000,"2014-02-24","KB 24.02.2014, pkt. 8",KB)],
 "Jobrotation og voksenlærlinge: flere forløb end forudsat."),
("5.46.60","Integrationsprogram",B,T,3175,0,44,(0,0,0,0),[],
 "Lidt flere flygtninge i integrationsprogrammet end forudsat."),
("3.30.46","Erhvervsgrunduddannelse",B,A,1537,0,0,(0,0,0,0),[],""),
("4.62.90","Andre sundhedsudgifter",Y,K,1818,0,0,(0,0,0,0),[],""),
("5.57.74","Kontanthjælp til udlændinge",B,T,3562,0,0,(0,0,0,0),[],""),
("5.48.67","Personlige tillæg",Y,F,5456,-300,0,(0,0,0,0),[],""),
("5.57.71","Sygedagpenge",B,K,49633,-400,0,(0,0,0,0),[],""),
("5.57.72","Sociale formål",Y,K,1863,0,0,(0,0,0,0),[],""),
("5.57.75","Boligydelse",Y,K,26594,0,0,(0,0,0,0),[("carry_over",117000,"2014-03-26","KB 26.03.2014, pkt. 5 (overførsler fra 2013)",KB),("technical_reallocation",642200,"2014-02-10","Boligstøtte samlet i Ydelser og overførsler",OK)],""),
("5.68.95","Løn forsikrede ledige",B,A,751,0,0,(0,0,0,0),[],""),
("5.68.96","Servicejob",B,A,-24,0,0,(0,0,0,0),[],""),
("6.48.67","Erhverv",E,"Erhverv",2150,0,0,(0,0,0,0),[("technical_reallocation",2150000,"2014-01-15","Erhvervsservice overført fra Økonomiudvalget",OK)],""),
]
out=os.path.dirname(os.path.abspath(__file__))
def w(name, header, rows):
    with open(os.path.join(out,name+".csv"),"w",newline="",encoding="utf-8") as f:
        cw=csv.writer(f, lineterminator="\n"); cw.writerow(header); cw.writerows(rows)
def kr(ore): 
    s=f"{abs(ore)//100}" + ("" if ore%100==0 else f".{abs(ore)%100:02d}")
    return ("-" if ore<0 else "")+s
# Benefit accounts whose net figures are after state refusion (data/rules: codes of refusion-rates.csv).
BENEFIT={"5.57.73":"kontanthjaelp","5.57.78":"dagpenge","5.57.71":"sygedagpenge","5.58.80":"revalidering","5.58.81":"fleksloentilskud"}
w("accounts",["committee","activity_area","account","name","group","block","refusion_benefit"],[(C,a[2],a[0],a[1],a[3],"drift",BENEFIT.get(a[0],"")) for a in acc])
mov=[];post=[];est=[]
tot={}
for a in acc:
    corr=a[4]*100000+a[5]*100
    ch=sum(c[1]*100 for c in a[8]); orig=corr-ch
    mov.append((a[0],"original_budget",kr(orig),"2013-10-09","KB 09.10.2013, vedtagelse af budget 2014",KB))
    for c in a[8]: mov.append((a[0],c[0],kr(c[1]*100),c[2],c[3],c[4]))
    est.append((1,a[0],kr(corr+a[6]*100000),a[9] or "Ingen afvigelse.",*[kr(o*100000) for o in a[7]]))
    tot.setdefault(a[2],[]).append((a[0],corr))
w("movements",["account","kind","amount","decided_on","reference","decided_by"],mov)
w("estimates",["round","account","estimate","explanation","out_year_1","out_year_2","out_year_3","out_year_4"],est)
# consumption: per area totals of the activity-area table, spread by corrected budget, Jan-Mar, then Apr-Jun at the same pace
cons={B:4316800000,Y:3936400000,E:167500000}
for area,accs in tot.items():
    s=sum(max(c,0) for _,c in accs); left=cons[area]; shares=[]
    for i,(aid,c) in enumerate(accs):
        q = left if i==len(accs)-1 else (cons[area]*max(c,0)//s)//100*100
        if i<len(accs)-1: left-=q
        shares.append((aid,q))
    for aid,q in shares:
        m1=q//3//100*100; m2=m1; m3=q-m1-m2
        for d,v in (("2014-01-31",m1),("2014-02-28",m2),("2014-03-31",m3),("2014-04-30",m1),("2014-05-31",m2),("2014-06-30",m3)):
            if v!=0: post.append((aid,d,kr(v)))
post.sort(key=lambda p:(p[1],p[0]))
w("postings",["account","posted_on","amount"],post)
w("rounds",["round","cutoff"],[(1,"2014-03-31"),(2,"2014-06-30"),(3,"2014-09-30")])
# checks
import collections
g=collections.defaultdict(lambda:[0,0,0]); ar=collections.defaultdict(lambda:[0,0,0])
for a in acc:
    corr=a[4]*100000+a[5]*100; orig=corr-sum(c[1]*100 for c in a[8]); e=corr+a[6]*100000
    for d,k in ((g,a[3]),(ar,a[2]),(g,"TOTAL")):
        d[k][0]+=orig; d[k][1]+=corr; d[k][2]+=e
for d in (g,ar):
    for k,v in d.items(): print(k,[x/100000 for x in v])
print(len(mov),len(post),len(est))
