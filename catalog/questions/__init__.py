"""Product questions and answers: shoppers ask on a product page (signed in, or a guest who
confirms an email), staff and verified buyers answer, staff publish both before anything is
public; the asker is told when an answer is published. Published Q&A show under the reviews,
with "was this helpful?" counts, and in the product's JSON-LD.
"""
