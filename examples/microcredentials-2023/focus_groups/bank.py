"""What the fictional focus-group participants say: sentences written for this example, by code.

Every sentence here was written for learnervoice; none is taken from the paper.
`CORE` sentences carry a code (they are what the coders mark); `EXTRA`
sentences add colour and are not coded; `ASK` are the moderator's questions.
"""

from __future__ import annotations

OPENERS = [
    "Well,", "For me,", "Honestly,", "In my case,", "I'd say that", "Yes, and", "To be frank,", "Let me think.",
    "From my side,", "It's simple really:", "Good question.", "I agree, and", "Maybe I'm different, but",
]

ASK = {
    "welcome": [
        "Welcome, everyone, and thank you for joining this session. We'll talk for about an hour about short "
        "courses and micro-credentials. There are no right or wrong answers, so please be honest.",
        "Good evening and thanks for making the time. This is an open conversation about short, certified courses "
        "and what you expect from them. Speak freely; everything is anonymised.",
    ],
    "familiarity": [
        "Let's start with the word itself. Before our invitation, had you heard the term micro-credential?",
        "First question: does the term micro-credential mean anything to you?",
    ],
    "motivation": [
        "What made you sign up for short courses in the past? What were you hoping to get out of them?",
        "Let's talk about reasons. Why do you take this kind of course at this point in your life?",
    ],
    "format": [
        "Now the format. Online, on site, or a mix? And if it's online, do you want to connect at set times or at your own pace?",
        "How would you like these courses to be delivered: fully online, face to face, or blended? Live sessions or recorded material?",
    ],
    "length": [
        "How long should a course like this last, and how many hours a week can you realistically give it?",
        "Let's talk about time. What length feels right, and what weekly dedication fits your life?",
    ],
    "schedule": [
        "And when in the day or the week would you study, if you could choose?",
        "What time of day works best for you: mornings, afternoons, nights, weekends?",
    ],
    "probe": [
        "Could you tell us a bit more about that?",
        "Can you give an example?",
        "Why is that so important for you?",
        "Interesting. What would make it work better?",
    ],
    "modular": [
        "Some universities split micro-credentials into basic, intermediate and advanced levels that add up to something bigger. What do you think of that?",
        "What about modules that stack, where several short courses count towards a larger qualification?",
    ],
    "credentials": [
        "How important is it for you that the course ends with an official credential?",
        "Would you take a course that gives no formal certificate, or is the credential essential?",
    ],
    "price": [
        "Last topic before we close: price. How do you weigh the cost against what you get?",
        "And money? Would you pay more for a course with an official credential?",
    ],
    "close": [
        "Thank you all. This has been very useful, and we'll share a summary of the results with you.",
        "That's all from me. Thanks a lot for your time and for being so open.",
    ],
}

CORE = {
    "familiarity": [
        "I had never heard the word before your email, so I looked it up.",
        "I knew the idea but not the name; to me they were just short certified courses.",
        "I had seen the term in a job advert, but I could not have defined it.",
        "It sounded like something very small, like a badge you get for one lesson.",
        "I heard it at work, when human resources talked about certifying competences.",
        "The name confused me, because some of my short courses came with no certificate at all.",
    ],
    "pleasure": [
        "I simply enjoy learning; finishing a course gives me a kind of quiet happiness.",
        "Studying is my hobby, the way other people go running or play music.",
        "Learning something new every year keeps me feeling alive.",
        "What moves me is the joy of understanding something I didn't understand before.",
        "I take courses because I like it, not because anybody asks me to.",
        "There is a real pleasure in opening a new subject and seeing where it takes you.",
    ],
    "curiosity": [
        "I am curious by nature, and short courses are a cheap way to satisfy that curiosity.",
        "A topic catches my attention in the news and I want to know more than the headlines.",
        "My curiosity jumps from one thing to another, so short formats suit me.",
        "I wanted to understand how artificial intelligence works, just out of curiosity.",
        "Sometimes I enrol because I want to understand the world my children are growing up in.",
    ],
    "explore_field": [
        "A short course lets me try a field before committing years to it.",
        "I used one course to test whether data analysis was for me, and it was.",
        "It's like tasting a dish before ordering the full plate.",
        "I wanted to see if I would still like design after a few weeks of real work on it.",
        "When you are not sure about a change of direction, a short course is a low-risk experiment.",
    ],
    "meet_people": [
        "I also like meeting people from other sectors; the forum discussions taught me a lot.",
        "Part of it is social: I met two colleagues I still work with today.",
        "Studying alone at home can be lonely, so I value the chance to meet classmates.",
        "The network you build in a course can be as valuable as the content.",
    ],
    "keep_up": [
        "My profession changes every year, and if I stop learning I fall behind.",
        "In nursing the protocols change constantly; I need to stay up to date.",
        "The software we use at work is updated all the time, so I train to keep pace.",
        "My degree is from twenty years ago and much of it is simply out of date.",
        "Regulations in my sector change so often that a yearly refresher is a must.",
        "If you don't keep learning in IT, in three years nobody will hire you.",
    ],
    "promotion": [
        "At my company every accredited course counts for internal promotion.",
        "I need certified training to apply for the next grade in the civil service.",
        "A certificate gave me the argument I needed to ask for a better position.",
        "My manager only considers people for team lead roles if they have recent training.",
        "Accredited hours are points in my career plan, so they matter a lot.",
    ],
    "show_skills": [
        "A recognised certificate shows employers what I can do, even without experience.",
        "When you are starting out, a credential on your CV opens doors that skills alone don't.",
        "Recruiters look for proof, and a certificate from a university is proof they understand.",
        "I add every badge to my online profile, because companies do look at them.",
        "Without a document, nobody believes you know something, however good you are.",
    ],
    "find_job": [
        "I was unemployed and needed something concrete to put on my CV quickly.",
        "I wanted to change jobs, and the course was my bridge to a new sector.",
        "After the layoff, a short course helped me get back into the labour market.",
        "I am looking for work, so anything that makes my profile stand out helps.",
    ],
    "academic": [
        "If a short course goes well, I might continue with a master's degree.",
        "For me it was the first step towards a longer programme.",
        "I see these courses as a door into the university after many years away.",
        "One short course convinced me to enrol in a full postgraduate programme.",
    ],
    "online": [
        "Online is the only option for me; with work and family I can't travel to a campus.",
        "I have always studied online and I would not go back to a classroom.",
        "Online lets me study at night when the house is finally quiet.",
        "With online courses I don't lose two hours a day commuting.",
        "I live far from any university, so online is what makes it possible at all.",
        "After so many years of online study, I feel more focused at home than in a classroom.",
    ],
    "face_to_face": [
        "I prefer some face-to-face sessions; I learn better when I can see people.",
        "A mixed format would be ideal, with a few on-site days to meet the group.",
        "For practical subjects I still think being in the room makes a difference.",
        "I miss the coffee breaks and the chats you only get on campus.",
    ],
    "asynchronous": [
        "I need to connect whenever I can, not at a fixed hour.",
        "Recorded material is best, because my shifts change every week.",
        "Being able to pause and rewatch a lecture is worth more than a live class.",
        "My own pace is essential; some weeks I can do ten hours and some weeks none.",
        "Fixed schedules simply don't work with two small children.",
        "I prefer materials I can use at my own rhythm, early in the morning or late at night.",
    ],
    "live_sessions": [
        "I like a live session now and then to ask questions directly to the teacher.",
        "A short weekly video call would help to solve doubts in real time.",
        "Live sessions make me feel part of a group, not just a viewer.",
        "Some debate in real time brings out ideas that never appear in recorded lectures.",
        "A mix would be perfect: recorded content plus an optional live Q&A.",
    ],
    "length_short": [
        "Two or three months is the right length; longer than that and life gets in the way.",
        "One or two months is ideal, because I need quick answers to specific problems.",
        "Eight to ten weeks is enough to learn something useful without burning out.",
        "A short course has to be short; if it lasts half a year it's a different thing.",
        "I'd say six to eight weeks, so I can plan it around holidays and busy periods.",
    ],
    "length_longer": [
        "For a serious topic I don't mind four or five months, if the pace is gentle.",
        "I'd rather have a longer course with fewer hours a week.",
        "Six months is fine for me if the content is deep enough to be worth it.",
    ],
    "part_time": [
        "Five to ten hours a week is what I can give without neglecting work.",
        "Around six hours a week, mostly at weekends, is realistic for me.",
        "I can study about an hour a day in the afternoon, so maybe seven hours a week.",
        "Anything above fifteen hours a week is impossible with a full-time job.",
        "Part-time is the only way; I would never stop working to study.",
        "Ten to twelve hours a week is my limit, and only for a few months.",
    ],
    "schedule": [
        "Afternoons are my time; mornings are for work and evenings for the family.",
        "Late at night is when I can concentrate, after everyone has gone to bed.",
        "Weekends, mostly, because during the week I get home exhausted.",
        "Early mornings before work suit me best, with a coffee and no interruptions.",
        "I study during my lunch break and on Saturday mornings.",
        "Any fixed time is hard; I fit study into whatever gap appears in the week.",
    ],
    "modular": [
        "Levels are a great idea, because I can start where my current knowledge is.",
        "I love the idea of stacking courses until they add up to a bigger degree.",
        "Modules let me build a qualification step by step, at my own speed.",
        "Basic, intermediate and advanced levels would save me from repeating what I already know.",
        "If several short courses counted towards a master's, I would sign up tomorrow.",
        "Being able to stop after one level and come back later is what I need.",
    ],
    "cred_preferred": [
        "For me the official credential is essential; otherwise the course is just a hobby.",
        "I would always choose the course that gives a certificate, even if it costs more.",
        "The credential is what makes the effort visible to others.",
        "Without official recognition, I wouldn't invest my limited time.",
        "A certificate from a university carries weight that a private badge does not.",
        "I prefer courses with a credential, because you never know when you will need it.",
        "The certificate matters a lot to me; it is the proof of what I did.",
        "Recognition is crucial, especially if the credits can count towards a degree later.",
    ],
    "cred_not_essential": [
        "Honestly, the certificate isn't essential for me; I study for my own satisfaction.",
        "I take courses out of interest, so an official credential is a nice extra, nothing more.",
    ],
    "price": [
        "Price matters; micro-credentials can become expensive if you take several.",
        "I'd pay more for an official credential, but the price per credit has to be fair.",
        "If my employer paid for it, the price wouldn't be an issue at all.",
        "Some courses cost as much as a month's rent, which is hard to justify.",
        "I compare the price with what a private academy charges, and the university should be competitive.",
    ],
}

EXTRA = {
    "familiarity": [
        "Now that I know what it means, I realise I have done several already.",
        "I think most people in my circle still don't know the term.",
        "The word itself doesn't help much; it sounds more technical than it is.",
    ],
    "motivation": [
        "It depends on the moment in your life, of course.",
        "Ten years ago my reasons were different.",
        "I think it's a mix of reasons for most of us.",
        "That was the main reason, anyway.",
        "And I suppose there is some personal satisfaction in it too.",
    ],
    "format": [
        "That's the most important thing for me when I choose a course.",
        "I've tried both, and I know what works for me now.",
        "The platform also matters, it has to be easy to use.",
        "Good materials make all the difference in any format.",
    ],
    "length": [
        "Everything depends on how the workload is spread.",
        "At the end of the day it's about planning.",
        "Summer is always complicated, so I avoid courses then.",
        "I learnt that the hard way with a course that was too long.",
    ],
    "schedule": [
        "Routine helps me more than motivation does.",
        "The important thing is that deadlines are announced well in advance.",
        "Holidays change everything, of course.",
    ],
    "modular": [
        "It also helps you see where you are going.",
        "Flexibility is the key word here.",
        "It would motivate me to keep going.",
    ],
    "credentials": [
        "But that's a personal view, of course.",
        "Especially in the public sector, where everything is counted.",
        "At least that's how I see it at this point.",
    ],
    "price": [
        "Discounts for alumni would help a lot.",
        "It's an investment, but you have to see the return.",
        "Paying in instalments would make it easier.",
    ],
}

EXTRA_GENERAL = [
    "I hadn't really thought about it in those terms before today.",
    "It's something I've discussed with colleagues more than once.",
    "I suppose each person's situation is different.",
    "That's my experience, at least over the last few years.",
    "And I think many people my age feel the same.",
    "It sounds obvious, but it makes a big difference in practice.",
]

AGREE = [
    "I agree with {name} on that.",
    "What {name} said is true for me too.",
    "Like {name}, I have felt that.",
]

THANKS = ["Thanks, {name}.", "Thank you, {name}.", "Interesting, {name}.", "Good point, {name}."]
